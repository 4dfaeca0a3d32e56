/**
 * The part of Jasmine that TF.js's op tests use, written for npm run test:tfjs: `describe`,
 * `it` (sync, async, or with `done`), `xit`/`xdescribe`, `beforeEach`/`afterEach`/`beforeAll`/
 * `afterAll`, `expect(x)` with `.not` and the matchers the tests call (Jasmine's semantics:
 * `toEqual` tells 0 from -0 and takes NaN as equal to NaN), `fail`, `pending` and
 * `spyOn`-free `jasmine.any`. Tests are collected by importing the files, then run in order.
 */

export interface Case {
  name: string;
  file: string;
  fn: (() => unknown) | ((done: (err?: unknown) => void) => unknown);
  skip: boolean;
  hooks: Suite[];
}
interface Suite {
  name: string;
  beforeEach: (() => unknown)[];
  afterEach: (() => unknown)[];
  beforeAll: (() => unknown)[];
  afterAll: (() => unknown)[];
  skip: boolean;
}

const cases: Case[] = [];
const stack: Suite[] = [];
let currentFile = '';

export function collected(): Case[] {
  return cases;
}
export function setFile(file: string): void {
  currentFile = file;
}

class Pending extends Error {}

function describe(name: string, fn: () => void, skip = false): void {
  const suite: Suite = { name, beforeEach: [], afterEach: [], beforeAll: [], afterAll: [], skip: skip || stack.some((s) => s.skip) };
  stack.push(suite);
  try {
    fn();
  } finally {
    stack.pop();
  }
}

function it(name: string, fn: Case['fn'], skip = false): void {
  cases.push({ name: [...stack.map((s) => s.name), name].join(' > '), file: currentFile, fn, skip: skip || stack.some((s) => s.skip), hooks: stack.slice() });
}

const TIMEOUT_MS = 20_000;

/** Runs one case with its suites' hooks; returns null on success or the error. */
export async function runCase(c: Case, ranAll: Set<Suite>): Promise<unknown> {
  try {
    for (const s of c.hooks) {
      if (!ranAll.has(s)) {
        ranAll.add(s);
        for (const h of s.beforeAll) await h();
      }
    }
    for (const s of c.hooks) for (const h of s.beforeEach) await h();
    await callWithTimeout(c.fn);
    for (const s of [...c.hooks].reverse()) for (const h of s.afterEach) await h();
    return null;
  } catch (e) {
    return e instanceof Pending ? 'pending' : e;
  }
}

function callWithTimeout(fn: Case['fn']): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    const finish = (err?: unknown) => { clearTimeout(timer); if (err) reject(err); else resolve(undefined); };
    try {
      if (fn.length >= 1) {
        const done = Object.assign((err?: unknown) => finish(err), { fail: (err?: unknown) => finish(err ?? new Error('done.fail')) });
        (fn as (d: typeof done) => unknown)(done);
      } else {
        Promise.resolve((fn as () => unknown)()).then(() => finish(), finish);
      }
    } catch (e) {
      finish(e);
    }
  });
}

// ---- equality and matchers ------------------------------------------------------------------

export function equals(a: unknown, b: unknown): boolean {
  if (isAsymmetric(b)) return b.asymmetricMatch(a);
  if (isAsymmetric(a)) return a.asymmetricMatch(b);
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Error && b instanceof Error) return a.message === b.message;
  if (ArrayBuffer.isView(a) || Array.isArray(a)) {
    const x = a as unknown as ArrayLike<unknown>, y = b as unknown as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!equals(x[i], y[i])) return false;
    return true;
  }
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => equals((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

interface Asymmetric { asymmetricMatch(x: unknown): boolean }
function isAsymmetric(x: unknown): x is Asymmetric {
  return typeof x === 'object' && x !== null && typeof (x as Asymmetric).asymmetricMatch === 'function';
}

function show(x: unknown): string {
  try {
    if (ArrayBuffer.isView(x)) return `${x.constructor.name}[${Array.from(x as unknown as ArrayLike<number>).slice(0, 20).join(', ')}]`;
    const s = JSON.stringify(x, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : typeof v === 'bigint' ? String(v) : v));
    return s === undefined ? String(x) : s.length > 300 ? `${s.slice(0, 300)}…` : s;
  } catch {
    return String(x);
  }
}

function thrown(fn: unknown): { threw: boolean; error?: unknown } {
  if (typeof fn !== 'function') throw new Error('expected a function to check for a throw');
  try {
    (fn as () => unknown)();
    return { threw: false };
  } catch (error) {
    return { threw: true, error };
  }
}

function errorMatches(error: unknown, a?: unknown, b?: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  if (a === undefined) return error instanceof Error;
  if (typeof a === 'function') {
    if (!(error instanceof (a as new () => Error))) return false;
    return b === undefined || (b instanceof RegExp ? b.test(message) : message === b);
  }
  return a instanceof RegExp ? a.test(message) : message === a;
}

type Matcher = (actual: unknown, ...args: unknown[]) => { pass: boolean; message: string };

const MATCHERS: Record<string, Matcher> = {
  toBe: (a, e) => ({ pass: typeof a === 'number' && typeof e === 'number' ? Object.is(a, e) || a === e : a === e, message: `expected ${show(a)} to be ${show(e)}` }),
  toEqual: (a, e) => ({ pass: equals(a, e), message: `expected ${show(a)} to equal ${show(e)}` }),
  toBeCloseTo: (a, e, p = 2) => ({ pass: Math.abs((a as number) - (e as number)) < 10 ** -(p as number) / 2, message: `expected ${show(a)} to be close to ${show(e)}` }),
  toBeGreaterThan: (a, e) => ({ pass: (a as number) > (e as number), message: `expected ${show(a)} > ${show(e)}` }),
  toBeGreaterThanOrEqual: (a, e) => ({ pass: (a as number) >= (e as number), message: `expected ${show(a)} >= ${show(e)}` }),
  toBeLessThan: (a, e) => ({ pass: (a as number) < (e as number), message: `expected ${show(a)} < ${show(e)}` }),
  toBeLessThanOrEqual: (a, e) => ({ pass: (a as number) <= (e as number), message: `expected ${show(a)} <= ${show(e)}` }),
  toBeNull: (a) => ({ pass: a === null, message: `expected ${show(a)} to be null` }),
  toBeUndefined: (a) => ({ pass: a === undefined, message: `expected ${show(a)} to be undefined` }),
  toBeDefined: (a) => ({ pass: a !== undefined, message: `expected a value` }),
  toBeTruthy: (a) => ({ pass: !!a, message: `expected ${show(a)} to be truthy` }),
  toBeFalsy: (a) => ({ pass: !a, message: `expected ${show(a)} to be falsy` }),
  toBeNaN: (a) => ({ pass: Number.isNaN(a), message: `expected ${show(a)} to be NaN` }),
  toBeInstanceOf: (a, C) => ({ pass: a instanceof (C as new () => unknown), message: `expected an instance of ${(C as { name: string }).name}` }),
  toContain: (a, e) => ({ pass: typeof a === 'string' ? a.includes(e as string) : Array.from(a as ArrayLike<unknown>).some((x) => equals(x, e)), message: `expected ${show(a)} to contain ${show(e)}` }),
  toMatch: (a, e) => ({ pass: (e instanceof RegExp ? e : new RegExp(e as string)).test(a as string), message: `expected ${show(a)} to match ${String(e)}` }),
  toThrow: (fn, e) => {
    const r = thrown(fn);
    return { pass: r.threw && (e === undefined || equals(r.error, e)), message: r.threw ? `threw ${show((r.error as Error)?.message ?? r.error)}` : 'expected a throw' };
  },
  toThrowError: (fn, a, b) => {
    const r = thrown(fn);
    return { pass: r.threw && errorMatches(r.error, a, b), message: r.threw ? `threw ${String((r.error as Error)?.message ?? r.error)}, expected ${String(a ?? 'an Error')}${b === undefined ? '' : ` ${String(b)}`}` : 'expected a throw' };
  },
};

export class ExpectationFailed extends Error {}

function expect(actual: unknown) {
  const build = (negate: boolean) => Object.fromEntries(Object.entries(MATCHERS).map(([name, m]) => [name, (...args: unknown[]) => {
    const { pass, message } = m(actual, ...args);
    if (pass === negate) throw new ExpectationFailed(`${negate ? 'not: ' : ''}${name}: ${message}`);
  }]));
  const positive = build(false);
  return Object.assign(positive, { not: build(true) });
}

function fail(message?: unknown): never {
  throw new ExpectationFailed(`fail(): ${message instanceof Error ? message.message : String(message)}`);
}

function pending(): never {
  throw new Pending('pending');
}

const jasmine = {
  any: (C: unknown) => ({ asymmetricMatch: (x: unknown) => (C === Number ? typeof x === 'number' : C === String ? typeof x === 'string' : x instanceof (C as new () => unknown)) }),
  anything: () => ({ asymmetricMatch: (x: unknown) => x !== null && x !== undefined }),
  objectContaining: (o: Record<string, unknown>) => ({ asymmetricMatch: (x: unknown) => typeof x === 'object' && x !== null && Object.keys(o).every((k) => equals((x as Record<string, unknown>)[k], o[k])) }),
  DEFAULT_TIMEOUT_INTERVAL: TIMEOUT_MS,
};

const hook = (kind: 'beforeEach' | 'afterEach' | 'beforeAll' | 'afterAll') => (fn: () => unknown) => {
  const top = stack[stack.length - 1];
  if (top) top[kind].push(fn);
};

Object.assign(globalThis, {
  describe: (n: string, f: () => void) => describe(n, f),
  xdescribe: (n: string, f: () => void) => describe(n, f, true),
  fdescribe: (n: string, f: () => void) => describe(n, f),
  it: (n: string, f: Case['fn']) => it(n, f),
  xit: (n: string, f: Case['fn']) => it(n, f, true),
  fit: (n: string, f: Case['fn']) => it(n, f),
  beforeEach: hook('beforeEach'),
  afterEach: hook('afterEach'),
  beforeAll: hook('beforeAll'),
  afterAll: hook('afterAll'),
  expect,
  fail,
  pending,
  jasmine,
});

export { describe };
