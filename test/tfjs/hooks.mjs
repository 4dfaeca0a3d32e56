// Module hooks for npm run test:tfjs (test/tfjs/run.ts): TF.js's compiled op tests in
// node_modules/@tensorflow/tfjs-core/dist/ops/*_test.js are ES modules with extensionless
// imports in a package Node reads as CommonJS. Here their `../index` becomes tapeflow's TF.js
// entry (src/tfjs.ts), `../jasmine_util` and `../test_util` this directory's stand-ins, other
// relative imports the real tfjs-core file with `.js` added, and every file there loads as ESM.
const CORE = '/node_modules/@tensorflow/tfjs-core/dist/';
const here = new URL('./', import.meta.url);
const MAPPED = {
  index: new URL('../../src/tfjs.ts', here).href,
  jasmine_util: new URL('./jasmine-util.ts', here).href,
  test_util: new URL('./test-util.ts', here).href,
};

export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL ?? '';
  if (parent.includes(CORE) && (specifier.startsWith('.') || specifier === '..')) {
    const target = new URL(specifier === '..' || specifier.endsWith('/..') ? `${specifier}/index` : specifier, parent);
    const relative = target.pathname.slice(target.pathname.indexOf(CORE) + CORE.length);
    if (relative === 'index' || relative === 'index.js') return nextResolve(MAPPED.index, context);
    if (relative === 'jasmine_util') return nextResolve(MAPPED.jasmine_util, context);
    if (relative === 'test_util') return nextResolve(MAPPED.test_util, context);
    if (!relative.endsWith('.js')) return nextResolve(`${target.href}.js`, context);
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (url.includes(CORE) && url.endsWith('.js')) return nextLoad(url, { ...context, format: 'module' });
  return nextLoad(url, context);
}
