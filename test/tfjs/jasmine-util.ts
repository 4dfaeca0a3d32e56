/**
 * Stand-in for tfjs-core's jasmine_util, for TF.js's op tests run against tapeflow/tfjs: one
 * test environment (a synchronous CPU-like backend in Node). Suites constrained to browsers or
 * WebGL/WebGPU are skipped and counted as such; the rest run.
 */
interface Constraints { flags?: Record<string, unknown>; predicate?: (env: TestEnv) => boolean }
interface TestEnv { name: string; backendName: string; flags: Record<string, unknown>; isDataSync: boolean }

export const TAPEFLOW_ENV: TestEnv = { name: 'tapeflow', backendName: 'cpu', flags: {}, isDataSync: true };
export const ALL_ENVS: Constraints = {};
export const NODE_ENVS: Constraints = { flags: { IS_NODE: true } };
export const BROWSER_ENVS: Constraints = { flags: { IS_BROWSER: true } };
export const CHROME_ENVS: Constraints = { flags: { IS_CHROME: true } };
export const HAS_WORKER = { flags: { IS_BROWSER: true } };
export const HAS_NODE_WORKER = { flags: { IS_NODE: true } };
export const SYNC_BACKEND_ENVS: Constraints = { predicate: (env) => env.isDataSync };
export const WEBGL_ENVS: Constraints = { flags: { IS_WEBGL: true } };

function applies(c: Constraints): boolean {
  const flags = c.flags ?? {};
  for (const [k, v] of Object.entries(flags)) {
    const ours = k === 'IS_NODE' ? true : k === 'IS_BROWSER' || k === 'IS_CHROME' || k.startsWith('WEBGL') || k === 'IS_WEBGL' ? false : undefined;
    if (ours !== v) return false;
  }
  return c.predicate ? c.predicate(TAPEFLOW_ENV) : true;
}

declare function describe(name: string, fn: () => void): void;
declare function xdescribe(name: string, fn: () => void): void;

export function describeWithFlags(name: string, constraints: Constraints, fn: (env: TestEnv) => void): void {
  (applies(constraints) ? describe : xdescribe)(name, () => fn(TAPEFLOW_ENV));
}

export function setTestEnvs(): void {}
export function registerTestEnv(): void {}
export function play(): void {}
