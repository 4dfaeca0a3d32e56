/**
 * fit's progress output, as a user sees it: in a real pseudo-terminal (util-linux `script`),
 * through a pipe, and with verbose 0. The fit runs in a child process (test/support/progress-fit.ts).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const fitScript = ['--import', 'tsx', join('test', 'support', 'progress-fit.ts')];
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

function viaPipe(verbose: number): string {
  const r = spawnSync(process.execPath, [...fitScript, String(verbose)], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe('progress output', () => {
  it.skipIf(!hasScript)('on a TTY draws a bar per epoch: steps, elapsed, ETA, running loss and metrics', () => {
    const command = [process.execPath, ...fitScript, '1', '40'].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-q', '-e', '-f', '-c', command, '/dev/null'], { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, COLUMNS: '120' } });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const out = r.stdout;
    expect(out).toContain('Epoch 1/2');
    expect(out).toContain('Epoch 2/2');
    // Redrawn in place (cursor to column 0 and line clear, as cli-progress does), so several frames.
    expect(out).toMatch(/\x1b\[\d*G|\r/);
    expect(out).toMatch(/ 3\/10 ━+─+ \d+ms ETA \d+ms - loss: \d\.\d{4} - accuracy: \d\.\d{4}/);
    expect(out).toMatch(/ 10\/10 ━{20} \d+(ms|s) \d+(us|ms)\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}/);
  });

  it('through a pipe prints one plain line per epoch, and nothing at verbose 0', () => {
    const lines = viaPipe(1).trimEnd().split('\n');
    expect(lines.length).toBe(2);
    expect(lines[0]).toMatch(/^Epoch 1\/2 - 10\/10 - \d+(ms|s) \d+(us|ms)\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}$/);
    expect(lines[1]).toMatch(/^Epoch 2\/2 - 10\/10 - /);
    expect(viaPipe(1)).not.toContain('\x1b[');
    expect(viaPipe(0)).toBe('');
  });
});
