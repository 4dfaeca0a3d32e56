// Temporary stub (the native backend replaces this file).
import type { Backend } from '../backend.js';
export function loadNative(): { backend: Backend | null; error?: string; simd: string; threads: number } {
  return { backend: null, error: 'native backend not built yet', simd: 'none', threads: 1 };
}
