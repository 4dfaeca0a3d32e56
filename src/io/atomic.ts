/**
 * Atomic file writes for everything tapeflow saves (safetensors, model files, checkpoints): the
 * bytes go to a temporary file in the same directory, which is flushed to disk and then renamed
 * over the target. A rename within a directory is atomic on POSIX file systems, so a reader sees
 * the old file or the new one, never a part, whenever the writer dies.
 */
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Runs `write` on a fresh temporary file beside `path`, flushes it to disk and renames it over
 * `path`; on any failure the temporary file is removed and `path` is untouched.
 */
export async function writeAtomically(path: string, op: string, write: (file: FileHandle) => Promise<void>): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  let file: FileHandle | null = null;
  try {
    file = await open(temporary, 'wx');
    await write(file);
    await file.sync();
    await file.close();
    file = null;
    await rename(temporary, path);
  } catch (e) {
    if (file !== null) await file.close().catch(() => undefined);
    await unlink(temporary).catch(() => undefined);
    throw new Error(`${op}: cannot write ${path}: ${(e as Error).message}`, { cause: e });
  }
}

