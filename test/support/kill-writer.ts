/**
 * Atomic-save tests: runs `loop` (module code that saves over and over, printing "saved" once
 * the first save is done) in a child Node, and kills it with SIGKILL `delay` ms after that.
 * Whatever the file then holds must load whole; the caller checks it.
 */
import { spawn } from 'node:child_process';

export const SRC_INDEX = new URL('../../src/index.ts', import.meta.url).pathname;

export async function killWriterAfter(loop: string, delay: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', loop], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the writer exited early with ${code}`)));
  });
  await new Promise((r) => setTimeout(r, delay));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
}
