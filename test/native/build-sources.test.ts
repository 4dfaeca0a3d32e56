/** binding.gyp (what npm install builds) and CMakeLists.txt (development) list the same sources. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function gypSources(): string[] {
  const gyp = JSON.parse(readFileSync(join(root, 'binding.gyp'), 'utf8')) as { targets: { target_name: string; sources: string[] }[] };
  const target = gyp.targets.find((t) => t.target_name === 'tapeflow');
  if (!target) throw new Error('binding.gyp has no target "tapeflow"');
  return target.sources;
}

function cmakeSources(): string[] {
  const text = readFileSync(join(root, 'CMakeLists.txt'), 'utf8');
  const m = /set\(TAPEFLOW_SOURCES\s+([^)]*)\)/.exec(text);
  if (!m) throw new Error('CMakeLists.txt has no set(TAPEFLOW_SOURCES ...)');
  return m[1].split(/\s+/).filter((s) => s !== '' && !s.startsWith('#'));
}

describe('native build files', () => {
  it('binding.gyp and CMakeLists.txt list the same sources, and they exist', () => {
    const gyp = gypSources();
    const cmake = cmakeSources();
    expect([...cmake].sort()).toEqual([...gyp].sort());
    expect(gyp.length).toBeGreaterThan(5);
    for (const s of gyp) expect(existsSync(join(root, s)), s).toBe(true);
  });

  it('every .cc file under native/ is built', () => {
    const gyp = new Set(gypSources());
    const listed = (dir: string): string[] =>
      readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? listed(join(dir, e.name)) : e.name.endsWith('.cc') ? [join(dir, e.name)] : []);
    for (const f of listed('native')) expect(gyp.has(f), `${f} missing from binding.gyp`).toBe(true);
  });

  it('neither build uses -march=native', () => {
    expect(readFileSync(join(root, 'binding.gyp'), 'utf8')).not.toMatch(/march=native/);
    expect(readFileSync(join(root, 'CMakeLists.txt'), 'utf8')).not.toMatch(/march=native/);
  });
});
