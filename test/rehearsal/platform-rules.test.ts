import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSecretName, repositorySecrets } from '@relkit/rehearsal';
import { UserError } from '@relkit/kit';
import { failures, RELEASE_YML, stage, type Stage } from './scenario-harness.js';

/**
 * GitHub's platform rules, as the rehearsal holds them; each test shows one rule and what it does
 * to a release. Sources are cited where each rule is modelled (packages/rehearsal/src/platform/).
 */
describe('secret names: a repository holds only [A-Za-z0-9_] names, and callers pass them by name', () => {
  it('refuses names GitHub would not store, and looks names up without case', () => {
    for (const name of ['app-id', 'app-private-key', '1TOKEN', 'GITHUB_APP_ID', 'my token']) expect(() => checkSecretName(name), name).toThrow(UserError);
    expect(() => checkSecretName('app-id')).toThrow(/only contain letters, digits and underscores/);
    expect(repositorySecrets({ relkit_app_id: '1', RELKIT_TOKEN: 't' })).toEqual({ RELKIT_APP_ID: '1', RELKIT_TOKEN: 't' });
  });

  let current: Stage | undefined;
  afterAll(async () => {
    await current?.close();
  });

  /** kube-rs released through its own workflow_dispatch caller of relkit's release.yml (copied into the repository). */
  async function callerStage(secretsBlock: string): Promise<Stage> {
    await current?.close();
    current = await stage('kube-rs', (scenario) => {
      const repo = scenario.repos[0]!;
      const last = repo.commits!.at(-1)!;
      last.files = {
        ...last.files,
        '.github/workflows/relkit-release.yml': readFileSync(RELEASE_YML, 'utf8'),
        '.github/workflows/release.yml': [
          'name: Release',
          'on:',
          '  workflow_dispatch:',
          '    inputs:',
          '      version: { type: string, required: true }',
          '      mock: { type: boolean, default: true }',
          'jobs:',
          '  release:',
          '    uses: ./.github/workflows/relkit-release.yml',
          '    with:',
          '      version: ${{ inputs.version }}',
          '      mock: ${{ inputs.mock }}',
          "      tag-prefix: ''",
          '      version-files: "Cargo.toml: workspace.package.version, workspace.dependencies.*[path].version"',
          '      changelog-file: CHANGELOG.md',
          '      publish: false',
          secretsBlock,
          '',
        ].join('\n'),
      };
      scenario.workflow = '.github/workflows/release.yml';
      scenario.inputs = { version: 'minor' };
    });
    return current;
  }

  const bumpCommitter = (s: Stage) => {
    const repo = s.sandbox.state.repo('kube-rs/kube')!;
    const commit = repo.objects.commit(repo.refs.get('refs/heads/main')!)!;
    return { message: commit.message, author: commit.author.name };
  };

  it('the App secrets, passed under names a repository can hold, reach every writing job: the bump is the App\'s', async () => {
    const s = await callerStage('    secrets:\n      RELKIT_APP_ID: ${{ secrets.RELKIT_APP_ID }}\n      RELKIT_APP_PRIVATE_KEY: ${{ secrets.RELKIT_APP_PRIVATE_KEY }}');
    const record = await s.run({ mock: false });
    expect(failures(record)).toBe('');
    expect(bumpCommitter(s)).toMatchObject({ message: expect.stringMatching(/0\.100\.0/), author: 'relkit-release[bot]' });
  });

  it('secrets: inherit passes the repository secrets by their names, so the App reaches release.yml too', async () => {
    const s = await callerStage('    secrets: inherit');
    const record = await s.run({ mock: false });
    expect(failures(record)).toBe('');
    expect(bumpCommitter(s).author).toBe('relkit-release[bot]');
  });

  it('a secret the called workflow does not declare fails the calling job before anything runs, as on GitHub', async () => {
    const s = await callerStage('    secrets:\n      app-id: ${{ secrets.RELKIT_APP_ID }}');
    const before = s.sandbox.dump();
    const record = await s.run({ mock: false });
    expect(record.result).toBe('failure');
    expect(failures(record)).toContain('Invalid secret, app-id is not defined in the referenced workflow');
    expect(s.sandbox.dump()).toEqual(before);
  });
});
