/**
 * Runs the native tests against the ASan/UBSan build (npm run test:sanitize): the addon comes
 * from TAPEFLOW_NATIVE_PATH, and node runs with the sanitizer runtimes preloaded.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/native/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 300_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
