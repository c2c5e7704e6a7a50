import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SANDBOX_TOKENS, useSandbox } from '../helpers/sandbox.js';
import type { Sandbox } from '@relkit/sandbox';

/**
 * Replays GitHub interactions recorded from the real API (npm @octokit/fixtures) against the
 * sandbox: same requests, same statuses, and every key GitHub answered with is present.
 */
interface Recorded {
  scope: string;
  method: string;
  path: string;
  body?: unknown;
  status: number;
  response: unknown;
  reqheaders: Record<string, string | number>;
}

const fixturesDir = join(dirname(createRequire(import.meta.url).resolve('@octokit/fixtures')), 'scenarios/api.github.com');
const load = (name: string): Recorded[] => JSON.parse(readFileSync(join(fixturesDir, name, 'normalized-fixture.json'), 'utf8')) as Recorded[];

const ORG = 'octokit-fixture-org';
const env = useSandbox({
  accounts: [{ login: 'octokit-fixture-user-a' }],
  teams: [{ org: ORG, slug: 'a-team' }],
  repos: ['branch-protection', 'git-refs', 'errors', 'release-assets', 'release-assets-conflict'].map((name) => ({
    owner: ORG,
    name,
    commits: [
      { id: 'c1', message: 'initial commit', files: { 'README.md': `# ${name}` } },
      { id: 'c2', message: 'second commit', files: { 'README.md': `# ${name}\n` } },
    ],
    releases: name.startsWith('release-assets') ? [{ tag: 'v1.0.0', name: 'Version 1.0.0', target: 'c2' }] : [],
  })),
});

/** Keys (recursively, arrays by their first element) that the recorded answer has and ours lacks. */
function missingKeys(recorded: unknown, ours: unknown, path = ''): string[] {
  if (Array.isArray(recorded)) {
    if (!Array.isArray(ours)) return [`${path || '/'} is not an array`];
    return recorded.length > 0 && ours.length > 0 ? missingKeys(recorded[0], ours[0], `${path}[0]`) : [];
  }
  if (recorded && typeof recorded === 'object') {
    if (!ours || typeof ours !== 'object') return [`${path || '/'} is not an object`];
    return Object.entries(recorded).flatMap(([key, value]) => (key in (ours as object) ? missingKeys(value, (ours as Record<string, unknown>)[key], `${path}/${key}`) : [`${path}/${key}`]));
  }
  return [];
}

/** Normalised shas in the recordings (0…01, 0…02) stand for the repository's commits, newest first. */
function shaMap(sandbox: Sandbox, name: string): Map<string, string> {
  const repo = sandbox.state.repo(ORG, name);
  const head = repo?.refs.get('refs/heads/main') as string;
  const parent = repo?.objects.commit(head)?.parents[0] as string;
  return new Map([
    ['0000000000000000000000000000000000000001', head],
    ['0000000000000000000000000000000000000002', parent],
  ]);
}

async function replay(scenario: string): Promise<void> {
  const shas = shaMap(env.sandbox, scenario);
  for (const step of load(scenario)) {
    const base = step.scope.includes('uploads.github.com') ? env.sandbox.urls.uploads : env.sandbox.urls.api;
    let path = step.path;
    // Ids in recordings are normalised to 1000, 1001…; ours come from the sandbox's own counter.
    const release = env.sandbox.state.repo(ORG, scenario)?.releases[0];
    if (release) path = path.replace('/releases/1000/', `/releases/${release.id}/`);
    const asset = release?.assets.at(-1);
    if (asset) path = path.replace(/\/releases\/assets\/100\d/, `/releases/assets/${asset.id}`);
    let body = step.body === undefined || step.body === '' ? undefined : typeof step.body === 'string' ? step.body : JSON.stringify(step.body);
    if (body) for (const [normalised, real] of shas) body = body.replaceAll(normalised, real);
    const response = await fetch(`${base}${path}`, {
      method: step.method.toUpperCase(),
      headers: {
        authorization: `token ${SANDBOX_TOKENS.admin}`,
        accept: String(step.reqheaders.accept ?? 'application/vnd.github.v3+json'),
        ...(step.reqheaders['content-type'] ? { 'content-type': String(step.reqheaders['content-type']) } : {}),
      },
      ...(body !== undefined ? { body } : {}),
    });
    const text = await response.text();
    const ours = text ? JSON.parse(text) : '';
    expect(response.status, `${step.method.toUpperCase()} ${step.path}`).toBe(step.status);
    expect(missingKeys(step.response, ours), `${step.method.toUpperCase()} ${step.path}`).toEqual([]);
  }
}

describe('recorded GitHub interactions replayed against the sandbox', () => {
  for (const scenario of ['branch-protection', 'git-refs', 'errors', 'release-assets', 'release-assets-conflict']) {
    it(scenario, async () => {
      if (scenario === 'release-assets-conflict') {
        // The recording starts with an asset of that name already on the release.
        const release = env.sandbox.state.repo(ORG, scenario)!.releases[0]!;
        release.assets.push({
          id: env.sandbox.state.id(),
          name: 'test-upload.txt',
          label: 'test',
          contentType: 'text/plain',
          state: 'uploaded',
          data: Buffer.from('Hello, world!\n'),
          uploader: 'relkit-admin',
          downloadCount: 0,
          createdAt: '2024-01-01T00:00:00Z',
          updatedAt: '2024-01-01T00:00:00Z',
        });
      }
      await replay(scenario);
    });
  }
});
