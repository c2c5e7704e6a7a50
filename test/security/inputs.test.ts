import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { errors, runAction } from '../helpers/action.js';
import { relkit } from '../helpers/cli.js';
import { scratchDir } from '../helpers/scratch.js';
import { failures, stage, type Stage } from '../rehearsal/scenario-harness.js';

describe('inputs that used to slip through', () => {
  it('a version with build metadata is refused, not silently cut to X.Y.Z', async () => {
    const dir = await scratchDir('build-metadata');
    await writeFile(join(dir, 'VERSION'), '1.2.2\n');
    const result = await runAction('bump-version-files', undefined, { files: 'VERSION', version: '1.2.3+build', mock: 'true' }, { cwd: dir, env: { GITHUB_REPOSITORY: undefined } });
    expect(result.exitCode).not.toBe(0);
    expect(errors(result).join('\n')).toMatch(/`version`.*1\.2\.3\+build.*build metadata/s);
  });

  it('relkit rehearse refuses an unknown flag like every other command', async () => {
    const { code, stderr, stdout } = await relkit(['rehearse', '--caler', 'x']);
    expect(code).toBe(2);
    expect(stderr).toContain('`--caler` is not a flag of relkit rehearse');
    expect(stdout).not.toContain('plan');
  });
});

/**
 * release.yml's plan must refuse every input a later job would refuse, before the lock, the bump
 * commit or the draft: the rehearsal runs the real workflow and the sandbox must be untouched.
 */
describe('release.yml refuses bad inputs in plan, before any write', () => {
  let current: Stage | undefined;
  afterAll(async () => {
    await current?.close();
  });

  it.each([
    ['a tag-prefix with newlines that would rewrite the outputs', { 'tag-prefix': 'v\nversion=6.6.6\nz=' }, 'tag-prefix', undefined],
    ['a tag-prefix with a space', { 'tag-prefix': 'release ' }, 'tag-prefix', undefined],
    ['a tag-prefix git refuses', { 'tag-prefix': 'v~' }, 'tag-prefix', undefined],
    ['a wildcard image', { images: '*' }, 'images', undefined],
    ['credentials in an image', { images: 'user:hunter2@ghcr.io/acme/app' }, 'images', 'hunter2'],
    ['a platform that is not OS/ARCH', { images: 'ghcr.io/acme/app', platforms: 'amd64' }, 'platforms', undefined],
    ['a timeout that is not a duration', { images: 'ghcr.io/acme/app', 'image-timeout': 'forever' }, 'image-timeout', undefined],
    ['an asset outside the workspace', { 'build-command': 'true', assets: '/etc/passwd' }, 'assets', undefined],
    ['a changelog-file outside the checkout', { 'changelog-file': '../CHANGELOG.md' }, 'changelog-file', undefined],
    ['a promoter manifest outside its repository', { 'promote-repository': 'kubernetes/k8s.io', images: 'ghcr.io/acme/app', 'promoter-manifest': '../images.yaml' }, 'promoter-manifest', undefined],
    ['a branch to move that git refuses', { 'move-branches': 'live..website', publish: true }, 'move-branches', undefined],
  ] as Array<[string, Record<string, string | boolean>, string, string | undefined]>)('%s', async (_what, inputs, input, secret) => {
    await current?.close();
    current = await stage('kube-rs', (scenario) => Object.assign(scenario.inputs, inputs));
    const before = current.sandbox.dump();
    const record = await current.run({ mock: false });
    expect(record.result).toBe('failure');
    expect(record.jobs.plan!.result).toBe('failure');
    const why = failures(record);
    expect(why).toContain(`\`${input}\``);
    if (secret) expect(JSON.stringify(record)).not.toContain(secret);
    for (const job of ['lock', 'bump', 'notes', 'draft', 'publish']) expect(record.jobs[job]?.result ?? 'skipped', job).toBe('skipped');
    expect(current.sandbox.dump()).toEqual(before);
  });
});
