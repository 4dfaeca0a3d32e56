#!/usr/bin/env node
/**
 * Builds the prebuilt addon that ships in the npm package: `prebuildify --napi --strip`
 * (N-API 8: one binary per platform serves every Node version) into
 * prebuilds/<platform>-<arch>/tapeflow[.<libc>].node, where node-gyp-build finds it.
 *
 *   node scripts/prebuild.mjs                 host platform and arch (npm run prebuild)
 *   node scripts/prebuild.mjs --arch arm64    linux-arm64 cross-compiled with Debian's
 *                                             g++-aarch64-linux-gnu (npm run prebuild:arm64)
 *   node scripts/prebuild.mjs --tag-libc      add the libc tag (tapeflow.glibc.node /
 *                                             tapeflow.musl.node), as the release workflow does
 *
 * Node headers: when the running Node's prefix has include/node/node_api.h (Linux and macOS
 * tarballs, Debian's nodejs-dev), node-gyp is pointed at it, so nothing is downloaded;
 * otherwise (Windows) node-gyp fetches the headers of the running Node.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch as hostArch, platform, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const argValue = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const arch = argValue('--arch') ?? hostArch();
const tagLibc = args.includes('--tag-libc');

const env = { ...process.env };
const nodePrefix = resolve(process.execPath, '../..');
if (!env.npm_config_nodedir && existsSync(join(nodePrefix, 'include/node/node_api.h'))) {
  env.npm_config_nodedir = nodePrefix;
}

const prebuildifyArgs = ['--napi', '--strip', `--target=${process.versions.node}`, `--arch=${arch}`];
if (tagLibc) prebuildifyArgs.push('--tag-libc');

if (arch !== hostArch()) {
  if (platform() !== 'linux' || arch !== 'arm64') {
    console.error(`prebuild: cross-compiling is set up for linux-arm64 only, not ${platform()}-${arch}`);
    process.exit(1);
  }
  const triple = 'aarch64-linux-gnu';
  Object.assign(env, {
    CC: `${triple}-gcc`,
    CXX: `${triple}-g++`,
    LINK: `${triple}-g++`,
    AR: `${triple}-ar`,
  });
  prebuildifyArgs.push(`--strip-bin=${triple}-strip`);
  const probe = spawnSync(env.CXX, ['--version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    console.error(`prebuild: ${env.CXX} not found; install it with: apt-get install -y g++-${triple}`);
    process.exit(1);
  }
}

// prebuildify runs `node-gyp rebuild` in <cwd>/build and moves the .node out of it. Building
// in a staging copy of the native sources leaves the developer build in build/ alone (and no
// arm64 objects behind in it); `--out` puts the result in this package's prebuilds/.
const outDir = join(root, 'prebuilds', `${platform()}-${arch}`);
rmSync(outDir, { recursive: true, force: true });
const stage = mkdtempSync(join(tmpdir(), 'tapeflow-prebuild-'));
for (const entry of ['package.json', 'binding.gyp', 'native']) {
  cpSync(join(root, entry), join(stage, entry), { recursive: true });
}
symlinkSync(join(root, 'node_modules'), join(stage, 'node_modules'), 'junction');

const require = createRequire(import.meta.url);
const bin = join(dirname(require.resolve('prebuildify/package.json')), 'bin.js');
const started = Date.now();
const run = spawnSync(process.execPath, [bin, ...prebuildifyArgs, `--out=${root}`], { cwd: stage, env, stdio: 'inherit' });
rmSync(stage, { recursive: true, force: true });
if (run.status !== 0) {
  console.error(`prebuild: prebuildify failed (exit ${run.status ?? run.signal})`);
  process.exit(1);
}
for (const f of readdirSync(outDir)) {
  console.log(`prebuild: ${join('prebuilds', `${platform()}-${arch}`, f)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
