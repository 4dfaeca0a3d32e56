/**
 * The TensorFlow.js peers: @tensorflow/tfjs-core with the cpu backend (pure JS) and the wasm
 * backend (XNNPACK, SIMD), both registered in one tfjs-core engine. The wasm binaries ship in
 * the package; `setWasmPaths` points at them by file path.
 *
 * Threads: tfjs-backend-wasm 4.22 disables its threaded build in Node (WASM_HAS_MULTITHREAD_SUPPORT
 * is hard-wired to false there, tensorflow/tfjs#3830). Forcing the flag loads the threaded binary
 * once its blob: worker URLs are redirected to files, but XNNPACK's pool still reports 1 thread
 * and no pthread is ever started, so the wasm peer runs single-threaded with SIMD.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type TF = typeof import('@tensorflow/tfjs-core');
export type TfBackend = 'cpu' | 'wasm';

const require = createRequire(import.meta.url);

export interface Peers {
  tf: TF;
  version: string;
  /** What the wasm backend runs with (SIMD, threads), or why it did not load. */
  wasm: { available: boolean; simd?: boolean; threads?: number; error?: string };
  use(backend: TfBackend): Promise<boolean>;
}

export async function loadPeers(): Promise<Peers | null> {
  let tf: TF;
  try {
    tf = require('@tensorflow/tfjs-core') as TF;
    // tfjs-core alone has no gradients registered (the @tensorflow/tfjs bundle imports these).
    require('@tensorflow/tfjs-core/dist/register_all_gradients');
    require('@tensorflow/tfjs-backend-cpu');
  } catch (e) {
    process.stderr.write(`bench: TF.js not installed (${(e as Error).message.split('\n')[0]}); peers skipped\n`);
    return null;
  }
  // Production mode: no debug checks, and no "install tfjs-node" banner on stdout/stderr.
  tf.enableProdMode();
  const wasmInfo: Peers['wasm'] = { available: false };
  let wasmModule: typeof import('@tensorflow/tfjs-backend-wasm') | undefined;
  try {
    wasmModule = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    const dist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    wasmModule.setWasmPaths(dist + '/');
  } catch (e) {
    wasmInfo.error = (e as Error).message.split('\n')[0];
  }
  // Silence "Initialization of backend wasm failed" noise; we report failures ourselves.
  const use = async (backend: TfBackend): Promise<boolean> => {
    if (tf.getBackend() === backend) return true;
    const warn = console.warn;
    console.warn = () => {};
    try {
      return await tf.setBackend(backend);
    } catch {
      return false;
    } finally {
      console.warn = warn;
    }
  };
  if (wasmModule && (await use('wasm'))) {
    wasmInfo.available = true;
    wasmInfo.simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
    wasmInfo.threads = wasmModule.getThreadsCount();
  } else if (!wasmInfo.error) {
    wasmInfo.error = 'tf.setBackend("wasm") failed';
  }
  await use('cpu');
  const version = (require('@tensorflow/tfjs-core/package.json') as { version: string }).version;
  return { tf, version, wasm: wasmInfo, use };
}
