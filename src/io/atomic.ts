/**
 * Atomic file writes for everything tapeflow saves (safetensors, model files, checkpoints): the
 * bytes go to a temporary file in the same directory, which is then renamed over the target. A
 * rename within a directory is atomic on POSIX file systems, so a reader sees the old file or
 * the new one, never a part, whenever the writer process dies (test/io-*.test.ts kill writers
 * mid-save). The file is not fsync'ed: that would guard against power loss at 5-10x the cost of
 * the write (measured by bench/files.ts), and no other framework's checkpoint writer pays it.
 *
 * The write is synchronous: tensors (a training Variable among them) go to the file straight
 * from their storage, and no training step can run in between and change them mid-write.
 */
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `parts` in order to a fresh temporary file beside `path` and renames it over `path`;
 * on any failure the temporary file is removed and `path` is untouched.
 */
export function writeAtomically(path: string, op: string, parts: readonly Uint8Array[]): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  let fd: number | null = null;
  try {
    fd = openSync(temporary, 'wx');
    for (const bytes of parts) {
      // one write call is capped at 2 GiB
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, Math.min(bytes.length - off, 1 << 30));
    }
    closeSync(fd);
    fd = null;
    renameSync(temporary, path);
  } catch (e) {
    if (fd !== null) try { closeSync(fd); } catch { /* already failing */ }
    try { unlinkSync(temporary); } catch { /* never created */ }
    throw new Error(`${op}: cannot write ${path}: ${(e as Error).message}`, { cause: e });
  }
}
