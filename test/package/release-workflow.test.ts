/**
 * The release workflow cannot run here, so its shape is checked: it parses as YAML, builds a
 * prebuild on each platform the package ships for and runs the suite there, packs after all
 * of them, and publishes only from a version tag. Add a platform to `PLATFORMS` when the
 * matrix grows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';

const root = join(import.meta.dirname, '..', '..');
const source = readFileSync(join(root, '.github/workflows/release.yml'), 'utf8');
const doc = parseDocument(source, { prettyErrors: true, uniqueKeys: true });

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  'runs-on': string;
  needs?: string | string[];
  if?: string;
  steps: Step[];
  strategy?: { matrix: { include: Array<Record<string, string>> } };
  permissions?: Record<string, string>;
}
const workflow = doc.toJS() as { on: Record<string, unknown>; jobs: Record<string, Job> };
const jobs = workflow?.jobs ?? {};
const needs = (job: Job): string[] => [job.needs ?? []].flat();
const runs = (job: Job): string => job.steps.map((s) => s.run ?? '').join('\n');

/** platform-arch[-libc] → the runner family that builds it natively. */
const PLATFORMS: Record<string, RegExp> = {
  'linux-x64-glibc': /^ubuntu-/,
  'linux-arm64-glibc': /^ubuntu-.*-arm$/,
  'linux-x64-musl': /^ubuntu-/,
  'linux-arm64-musl': /^ubuntu-.*-arm$/,
  'darwin-x64': /^macos-.*intel$|^macos-13$/,
  'darwin-arm64': /^macos-(14|15|latest)$/,
  'win32-x64': /^windows-/,
};
const ACTIONS = ['actions/checkout@v4', 'actions/setup-node@v4', 'actions/upload-artifact@v4', 'actions/download-artifact@v4'];

describe('.github/workflows/release.yml', () => {
  it('is valid YAML with no duplicate keys', () => {
    expect(doc.errors.map((e) => e.message)).toEqual([]);
    expect(doc.warnings.map((e) => e.message)).toEqual([]);
    expect(Object.keys(jobs).sort()).toEqual(['package', 'prebuild', 'publish']);
  });

  it('triggers on version tags (and pull requests / manual runs without publishing)', () => {
    const push = workflow.on.push as { tags: string[] };
    expect(push.tags).toContain('v*');
    expect(workflow.on).toHaveProperty('workflow_dispatch');
  });

  it('every step either runs a command or uses a pinned standard action', () => {
    for (const [name, job] of Object.entries(jobs)) {
      expect(job['runs-on'], name).toBeTruthy();
      expect(job.steps.length, name).toBeGreaterThan(0);
      for (const step of job.steps) {
        expect(Boolean(step.uses) !== Boolean(step.run), `${name}: step ${step.name ?? step.uses} has exactly one of uses/run`).toBe(true);
        if (step.uses) expect(ACTIONS, `${name}: ${step.uses}`).toContain(step.uses);
      }
    }
  });

  it('${{ }} expressions are closed and matrix keys exist', () => {
    const opened = source.match(/\$\{\{/g)?.length ?? 0;
    const closed = source.match(/\$\{\{[^}]*\}\}/g)?.length ?? 0;
    expect(closed).toBe(opened);
    const keys = new Set(jobs.prebuild.strategy!.matrix.include.flatMap((entry) => Object.keys(entry)));
    for (const [, key] of source.matchAll(/matrix\.([\w-]+)/g)) expect([...keys], `matrix.${key}`).toContain(key);
  });

  it('builds a prebuild on each platform, runs the suite there and uploads it', () => {
    const include = jobs.prebuild.strategy!.matrix.include;
    expect(include.map((e) => e.name).sort()).toEqual(Object.keys(PLATFORMS).sort());
    for (const entry of include) {
      expect(entry.os, entry.name).toMatch(PLATFORMS[entry.name]);
      if (entry.name.startsWith('linux-')) {
        expect(entry.libc, entry.name).toBe(entry.name.endsWith('-musl') ? 'musl' : 'glibc');
        expect(entry['prebuild-args'], entry.name).toContain('--tag-libc');
      }
    }
    const steps = runs(jobs.prebuild);
    expect(steps).toMatch(/npm ci/);
    expect(steps).toMatch(/npm run prebuild\b/);
    expect(steps).toMatch(/npm test/);
    expect(steps).toMatch(/node:\$\{NODE_VERSION\}-alpine|node:[\d.]+-alpine/);
    const upload = jobs.prebuild.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'));
    expect(upload?.with?.path).toMatch(/^prebuilds\/?$/);
    expect(String(upload?.with?.name)).toMatch(/^prebuild-/);
  });

  it('packs after every prebuild, with all of them, and tests the install paths', () => {
    expect(needs(jobs.package)).toContain('prebuild');
    const download = jobs.package.steps.find((s) => s.uses?.startsWith('actions/download-artifact'));
    expect(download?.with).toMatchObject({ pattern: 'prebuild-*', path: 'prebuilds', 'merge-multiple': true });
    expect(runs(jobs.package)).toMatch(/npm run test:package/);
    expect(runs(jobs.package)).toMatch(/npm pack/);
  });

  it('publishes only from a tag, after the package job, with NODE_AUTH_TOKEN', () => {
    const { publish } = jobs;
    expect(needs(publish)).toContain('package');
    expect(publish.if).toMatch(/startsWith\(github\.ref, 'refs\/tags\/v'\)/);
    expect(publish.if).toMatch(/github\.event_name == 'push'/);
    const step = publish.steps.find((s) => /npm publish/.test(s.run ?? ''));
    expect(step?.env?.NODE_AUTH_TOKEN).toMatch(/\$\{\{\s*secrets\.\w+\s*\}\}/);
    expect(publish.permissions?.['id-token']).toBe('write');
    for (const [name, job] of Object.entries(jobs)) {
      if (name !== 'publish') expect(runs(job), name).not.toMatch(/npm publish/);
    }
  });

  it('runs only npm scripts that package.json defines', () => {
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const [, script] of source.matchAll(/npm run ([\w:-]+)/g)) expect(Object.keys(scripts)).toContain(script);
  });
});
