/**
 * The suite runs once per backend: `js` (pure TS), then `native-<simd>` for each SIMD level
 * this CPU has (TAPEFLOW_SIMD caps the level, so every path is exercised). When the addon is
 * not built, the native projects run one test file that reports them skipped with the reason.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { arch } from 'node:os';
import { defineConfig } from 'vitest/config';

function nativeStatus(): string | null {
  try {
    createRequire(import.meta.url)('node-gyp-build')(import.meta.dirname);
    return null;
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  }
}

function simdLevels(): string[] {
  if (arch() === 'arm64') return ['neon', 'scalar'];
  let flags = '';
  try {
    flags = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    /* not Linux: test the scalar path only */
  }
  const levels: string[] = [];
  if (/\bavx512f\b/.test(flags)) levels.push('avx512');
  if (/\bavx2\b/.test(flags) && /\bfma\b/.test(flags)) levels.push('avx2');
  levels.push('scalar');
  return levels;
}

const nativeError = nativeStatus();
const suite = ['test/**/*.test.ts'];
const exclude = ['test/native-unavailable.test.ts', '**/node_modules/**'];
// Process-level checks that pick their own backend run once, in the js project.
const jsOnly = ['test/examples.test.ts', 'test/progress.test.ts', 'test/package/**', 'test/distribute.test.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'js', include: suite, exclude: [...exclude, 'test/native/**'], env: { TAPEFLOW_BACKEND: 'js' } } },
      ...simdLevels().map((simd) => ({
        extends: true,
        test: nativeError === null
          ? { name: `native-${simd}`, include: suite, exclude: [...exclude, ...jsOnly], env: { TAPEFLOW_BACKEND: 'native', TAPEFLOW_SIMD: simd } }
          : { name: `native-${simd}`, include: ['test/native-unavailable.test.ts'], env: { TAPEFLOW_NATIVE_ERROR: nativeError } },
      })),
    ],
  },
});
