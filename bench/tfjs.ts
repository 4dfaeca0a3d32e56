/**
 * The TensorFlow.js peers: @tensorflow/tfjs-core with the cpu backend (pure JS) and the wasm
 * backend (XNNPACK, SIMD), both registered in one tfjs-core engine. The wasm binaries ship in
 * the package; `setWasmPaths` points at them by file path.
 *
 * Threads: tfjs-backend-wasm 4.22 disables its threaded build in Node (WASM_HAS_MULTITHREAD_SUPPORT
 * is hard-wired to false there, tensorflow/tfjs#3830). Forcing the flag loads the threaded binary
 * once its blob: worker URLs are redirected to files, but XNNPACK's pool still reports 1 thread
 * and no pthread is ever started, so the wasm peer runs single-threaded with SIMD.
 *
 * tfjs-backend-wasm has no Conv2DBackpropFilter kernel, so a CNN cannot train on it as shipped;
 * `registerWasmFilterGradient` gives it one made of its own XNNPACK kernels (below).
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
    registerWasmFilterGradient(tf);
    wasmInfo.simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
    wasmInfo.threads = wasmModule.getThreadsCount();
  } else if (!wasmInfo.error) {
    wasmInfo.error = 'tf.setBackend("wasm") failed';
  }
  await use('cpu');
  const version = (require('@tensorflow/tfjs-core/package.json') as { version: string }).version;
  return { tf, version, wasm: wasmInfo, use };
}

/**
 * Conv2DBackpropFilter for the wasm backend, from its own kernels, for stride 1 and dilation 1
 * (what the bench's CNNs use; anything else throws). The filter gradient
 *   dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh+kh, ow+kw, ci] · dy[n, oh, ow, co]
 * is a 'valid' conv2d of x seen as [ci, H, W, n] with dy seen as the filter [oh, ow, n, co],
 * giving [ci, kh, kw, co]: two transposes and one XNNPACK convolution (x padded first for 'same'
 * or explicit pads), then a transpose to [kh, kw, ci, co].
 */
export function registerWasmFilterGradient(tf: TF): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') !== undefined) return;
  type Info = { dataId: object; shape: number[]; dtype: string };
  type Backend = { disposeData(id: object): void };
  const kernel = (name: string) => tf.getKernel(name, 'wasm')!.kernelFunc as unknown as (a: { inputs: Record<string, Info>; backend: Backend; attrs: Record<string, unknown> }) => Info;
  const [conv2d, transpose, pad] = [kernel('Conv2D'), kernel('Transpose'), kernel('PadV2')];
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: (({ inputs, backend, attrs }: { inputs: { x: Info; dy: Info }; backend: Backend; attrs: { strides: number | number[]; pad: unknown; dataFormat: string; dimRoundingMode?: string; filterShape: number[] } }) => {
      const strides = typeof attrs.strides === 'number' ? [attrs.strides, attrs.strides] : attrs.strides;
      if (strides.some((v) => v !== 1) || attrs.dataFormat !== 'NHWC') throw new Error('bench Conv2DBackpropFilter (wasm): stride 1, NHWC only');
      const [fh, fw] = attrs.filterShape;
      const [, H, W] = inputs.x.shape;
      const [, OH, OW] = inputs.dy.shape;
      const temps: Info[] = [];
      const keep = (i: Info) => (temps.push(i), i);
      let x = inputs.x;
      const padH = OH + fh - 1 - H, padW = OW + fw - 1 - W;
      if (padH > 0 || padW > 0) {
        const top = Array.isArray(attrs.pad) ? (attrs.pad as number[][])[1][0] : typeof attrs.pad === 'number' ? attrs.pad : Math.floor(padH / 2);
        const left = Array.isArray(attrs.pad) ? (attrs.pad as number[][])[2][0] : typeof attrs.pad === 'number' ? attrs.pad : Math.floor(padW / 2);
        x = keep(pad({ inputs: { x }, backend, attrs: { paddings: [[0, 0], [top, padH - top], [left, padW - left], [0, 0]], constantValue: 0 } }));
      }
      const xt = keep(transpose({ inputs: { x }, backend, attrs: { perm: [3, 1, 2, 0] } }));
      const dyt = keep(transpose({ inputs: { x: inputs.dy }, backend, attrs: { perm: [1, 2, 0, 3] } }));
      const dw = keep(conv2d({ inputs: { x: xt, filter: dyt }, backend, attrs: { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] } }));
      const out = transpose({ inputs: { x: dw }, backend, attrs: { perm: [1, 2, 0, 3] } });
      for (const t of temps) backend.disposeData(t.dataId);
      return out;
    }) as never,
  });
}
