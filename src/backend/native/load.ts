/**
 * Loads the native addon with node-gyp-build (build/Release, or prebuilds/<platform>-<arch>/)
 * from the package root, found by walking up from this file (src/ in development, dist/ when
 * installed). `TAPEFLOW_NATIVE_PATH` names a .node file to load instead (the sanitizer build
 * uses it). Never throws: a failure comes back as `error`, and the library uses the TS backend.
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Backend } from '../backend.js';
import { NativeBackend, RAW_EXPORTS, type RawBinding } from './native-backend.js';

export interface NativeLoad {
  backend: Backend | null;
  error?: string;
  simd: string;
  threads: number;
}

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'tapeflow') return dir;
      } catch {
        /* unreadable: keep walking */
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('tapeflow package root not found');
    dir = parent;
  }
}

let cached: { binding: RawBinding | null; error?: string } | undefined;

/** The raw binding (for tests and benchmarks), or why it did not load. */
export function loadRawBinding(): { binding: RawBinding | null; error?: string } {
  if (cached) return cached;
  try {
    const require = createRequire(import.meta.url);
    const path = process.env.TAPEFLOW_NATIVE_PATH;
    const binding = (path ? require(resolve(path)) : require('node-gyp-build')(packageRoot())) as RawBinding;
    const missing = RAW_EXPORTS.filter((name) => typeof (binding as unknown as Record<string, unknown>)[name] !== 'function');
    if (missing.length > 0) throw new Error(`addon is missing exports: ${missing.join(', ')} (rebuild with npm run build:native)`);
    cached = { binding };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    cached = { binding: null, error: message.split('\n')[0] };
  }
  return cached;
}

export function loadNative(): NativeLoad {
  const { binding, error } = loadRawBinding();
  if (!binding) return { backend: null, error, simd: 'none', threads: 1 };
  try {
    const info = binding.info();
    return { backend: new NativeBackend(binding), simd: info.simd, threads: info.threads };
  } catch (e) {
    return { backend: null, error: e instanceof Error ? e.message : String(e), simd: 'none', threads: 1 };
  }
}
