import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultIdentities } from '@relkit/sandbox';
import { errors, runAction } from '../helpers/action.js';
import { REAL_WORLD } from '../helpers/real-world.js';
import { useRegistry } from '../helpers/registry.js';
import { SANDBOX_TOKENS, useSandbox } from '../helpers/sandbox.js';

const MANIFEST = 'registry.k8s.io/images/k8s-staging-gateway-api-inference-extension/images.yaml';
const IMAGES = ['charts/inferencepool', 'charts/body-based-routing', 'epp', 'bbr', 'lora-syncer'];
const FORK_TOKEN = 'ghp_sandbox_release_bot';
const golden = (name: string) => readFile(new URL(`../promotion/golden/${name}`, import.meta.url), 'utf8');
const digestOf = (seed: string) => `sha256:${seed.repeat(64).slice(0, 64)}`;

const env = useSandbox({
  identities: [...defaultIdentities(), { token: FORK_TOKEN, kind: 'user', login: 'release-bot' }],
  accounts: [{ login: 'release-bot' }],
  repos: [],
});
let original: string;
let count = 0;

beforeAll(async () => {
  original = await readFile(join(REAL_WORLD, 'k8s-promoter/images.yaml'), 'utf8');
});

/** A k8s.io-like repository seeded with the real images.yaml, and (when asked) release-bot's fork of it. */
function setup(options: { fork?: boolean } = {}): { name: string; repository: string } {
  const name = `k8s.io-${++count}`;
  env.sandbox.addRepo({
    owner: 'kubernetes',
    name,
    commits: [
      {
        id: 'c1',
        message: 'Initial commit',
        files: { [MANIFEST]: original, 'README.md': '# k8s.io\n', 'charts/index.yaml': 'entries:\n  gaie:\n    - version: 1.0.0 # latest\n      urls: [https://example.com/gaie-1.0.0.tgz]\n' },
      },
    ],
    labels: [{ name: 'area/artifacts' }],
  });
  if (options.fork) env.sandbox.addRepo({ owner: 'release-bot', ownerType: 'User', name, fork: `kubernetes/${name}`, commits: [] });
  return { name, repository: `kubernetes/${name}` };
}

function promote(repo: { repository: string }, inputs: Record<string, string>, token: string = SANDBOX_TOKENS.admin) {
  return runAction(
    'promote-pr',
    env.sandbox,
    { repository: repo.repository, token, 'promoter-manifest': MANIFEST, name: 'gateway-api-inference-extension', ...inputs },
    { env: { GITHUB_REPOSITORY: 'kubernetes-sigs/gateway-api-inference-extension', HOME: '/nonexistent' } },
  );
}

async function fileAt(owner: string, name: string, ref: string, path = MANIFEST): Promise<string> {
  const { data } = await env.client().rest.rest.repos.getContent({ owner, repo: name, path, ref });
  return Buffer.from((data as { content: string }).content, 'base64').toString();
}

async function headOf(owner: string, name: string, branch: string): Promise<string> {
  return (await env.client().rest.rest.git.getRef({ owner, repo: name, ref: `heads/${branch}` })).data.object.sha;
}

async function pulls(name: string, state: 'open' | 'all' = 'open') {
  return (await env.client().rest.rest.pulls.list({ owner: 'kubernetes', repo: name, state })).data;
}

/** The lines of `after` that are not in `before`, after checking that removing them gives `before` back exactly. */
function addedLines(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const added: string[] = [];
  let i = 0;
  for (const line of b) {
    if (i < a.length && line === a[i]) i++;
    else added.push(line);
  }
  expect(i).toBe(a.length);
  return added;
}

const v101 = Object.fromEntries(IMAGES.map((image, n) => [`us-central1-docker.pkg.dev/k8s-staging-images/gateway-api-inference-extension/${image}:v1.0.1`, digestOf(String(n + 1))]));
const STAGING = 'us-central1-docker.pkg.dev/k8s-staging-images/gateway-api-inference-extension';

describe('promote-pr edits a real image-promoter manifest', () => {
  it('promotes v1.0.1 for all five images: five added lines, no other byte changed, one pull request', async () => {
    const repo = setup();
    const result = await promote(repo, { images: IMAGES.join('\n'), 'staging-registry': STAGING, tags: 'v1.0.1', digests: JSON.stringify(v101), labels: 'area/artifacts' });
    expect(errors(result)).toEqual([]);
    expect(result.outputs).toMatchObject({ operation: 'created', branch: 'relkit/promote/gateway-api-inference-extension-v1.0.1' });
    const open = await pulls(repo.name);
    expect(open).toHaveLength(1);
    expect(open[0]!).toMatchObject({ number: Number(result.outputs['pull-request-number']), title: 'Promote gateway-api-inference-extension v1.0.1', base: { ref: 'main' } });
    expect(open[0]!.labels.map((l) => l.name)).toEqual(['area/artifacts']);
    expect(open[0]!.body).toContain(`- \`epp:v1.0.1\` → \`${digestOf('3')}\``);
    const after = await fileAt('kubernetes', repo.name, 'relkit/promote/gateway-api-inference-extension-v1.0.1');
    expect(after).toBe(await golden('images-v1.0.1.yaml'));
    expect(addedLines(original, after)).toEqual(IMAGES.map((_, n) => `    "${digestOf(String(n + 1))}": ["v1.0.1"]`));
    // Each new line sits right under its image's last dmap entry.
    for (const [n, image] of IMAGES.entries()) {
      const lines = after.split('\n');
      const at = lines.indexOf(`    "${digestOf(String(n + 1))}": ["v1.0.1"]`);
      expect(lines.slice(0, at).findLast((l) => l.startsWith('- name: '))).toBe(`- name: ${image}`);
      expect(lines[at + 1] === undefined || lines[at + 1] === '' || lines[at + 1]!.startsWith('- name: ')).toBe(true);
    }
    const commit = (await env.client().rest.rest.git.getCommit({ owner: 'kubernetes', repo: repo.name, commit_sha: result.outputs['head-sha']! })).data;
    expect(commit.verification?.verified).toBe(true);
    expect(commit.message).toContain('Relkit-Branch: relkit/promote/gateway-api-inference-extension-v1.0.1');
    expect(await fileAt('kubernetes', repo.name, 'main')).toBe(original);
    expect(result.summary).toContain(`[#${open[0]!.number}](${open[0]!.html_url})`);
    expect(result.summary).toContain('+    "sha256:3333');
  });

  it('re-run: the same inputs change nothing; a new title updates the same pull request', async () => {
    const repo = setup();
    const inputs = { images: IMAGES.join('\n'), 'staging-registry': STAGING, tags: 'v1.0.1', digests: JSON.stringify(v101), reviewers: 'alice' };
    const first = await promote(repo, inputs);
    expect(errors(first)).toEqual([]);
    const head = first.outputs['head-sha'];
    const again = await promote(repo, inputs);
    expect(errors(again)).toEqual([]);
    expect(again.outputs).toMatchObject({ operation: 'unchanged', 'pull-request-number': first.outputs['pull-request-number'], 'head-sha': head });
    expect(again.summary).not.toMatch(/request reviews/);
    const retitled = await promote(repo, { ...inputs, title: 'Image promotion for {name} {tag}' });
    expect(retitled.outputs).toMatchObject({ operation: 'updated', 'pull-request-number': first.outputs['pull-request-number'], 'head-sha': head });
    const open = await pulls(repo.name);
    expect(open).toHaveLength(1);
    expect(open[0]!.title).toBe('Image promotion for gateway-api-inference-extension v1.0.1');
    expect(open[0]!.requested_reviewers?.map((r) => r.login)).toEqual(['alice']);
  });

  it('adds a tag to a digest already there, a new image at the end, and an RC with the next alpha', async () => {
    const repo = setup();
    const rc1 = '55b54d15a6770a0fbec7daaa9c2a7fadf98561a31c63f879ecb04008ad821f49';
    const digests = {
      // epp's v1.0.1 is the very image that was v1.0.1-rc.1: its existing line gains the tag.
      [`${STAGING}/epp:v1.1.0-rc.0`]: digestOf('a'),
      [`${STAGING}/epp:v1.2.0-alpha.0`]: digestOf('b'),
      [`${STAGING}/latency-predictor:v1.1.0-rc.0`]: digestOf('c'),
      [`${STAGING}/latency-predictor:v1.2.0-alpha.0`]: digestOf('c'),
    };
    const result = await promote(repo, { images: 'epp\nlatency-predictor', 'staging-registry': STAGING, tags: 'v1.1.0-rc.0, v1.2.0-alpha.0', digests: JSON.stringify(digests) });
    expect(errors(result)).toEqual([]);
    const after = await fileAt('kubernetes', repo.name, result.outputs.branch!);
    expect(after).toBe(await golden('images-rc-and-alpha.yaml'));
    expect(addedLines(original, after)).toEqual([
      `    "${digestOf('a')}": ["v1.1.0-rc.0"]`,
      `    "${digestOf('b')}": ["v1.2.0-alpha.0"]`,
      '- name: latency-predictor',
      '  dmap:',
      `    "${digestOf('c')}": ["v1.1.0-rc.0", "v1.2.0-alpha.0"]`,
    ]);

    const more = setup();
    const moreTags = await promote(more, { images: 'epp', 'staging-registry': STAGING, tags: 'v1.0.1', digests: JSON.stringify({ epp: `sha256:${rc1}` }) });
    expect(errors(moreTags)).toEqual([]);
    const edited = await fileAt('kubernetes', more.name, moreTags.outputs.branch!);
    expect(edited).toBe(original.replace(`"sha256:${rc1}": ["v1.0.1-rc.1"]`, `"sha256:${rc1}": ["v1.0.1-rc.1", "v1.0.1"]`));
    expect(edited).not.toBe(original);
  });

  it('says unchanged and sends no write when every tag is already promoted with that digest', async () => {
    const repo = setup();
    const before = JSON.stringify(env.sandbox.dump());
    env.sandbox.log.length = 0;
    const result = await promote(repo, {
      images: 'epp',
      'staging-registry': STAGING,
      tags: 'v1.0.0',
      digests: JSON.stringify({ epp: 'sha256:02ac1468dbb281d4c5b364362b662fdc31ec261fe46ccb3d8e0b2f1d8c1f9c28' }),
    });
    expect(errors(result)).toEqual([]);
    expect(result.outputs).toMatchObject({ operation: 'unchanged', 'pull-request-number': '' });
    expect(env.sandbox.log.filter((e) => e.server !== 'graphql' && e.method !== 'GET')).toEqual([]);
    expect(JSON.stringify(env.sandbox.dump())).toBe(before);
    expect(await pulls(repo.name, 'all')).toHaveLength(0);
    expect(result.summary).toContain('already on the base branch');
  });

  it('refuses to move a promoted tag to another digest, and writes nothing', async () => {
    const repo = setup();
    const result = await promote(repo, { images: 'epp', 'staging-registry': STAGING, tags: 'v1.0.0', digests: JSON.stringify({ epp: digestOf('f') }) });
    expect(result.failed).toBe(true);
    expect(errors(result).join('\n')).toContain(`already promotes epp:v1.0.0 as sha256:02ac1468dbb281d4c5b364362b662fdc31ec261fe46ccb3d8e0b2f1d8c1f9c28, but the staging image is ${digestOf('f')}`);
    expect(await pulls(repo.name, 'all')).toHaveLength(0);
  });
});

describe('promote-pr from a fork', () => {
  it('pushes the branch to the fork, opens a cross-repository pull request, and updates it on re-run', async () => {
    const repo = setup({ fork: true });
    const inputs = { images: IMAGES.join('\n'), 'staging-registry': STAGING, tags: 'v1.0.1', digests: JSON.stringify(v101), fork: 'release-bot' };
    const first = await promote(repo, inputs, FORK_TOKEN);
    expect(errors(first)).toEqual([]);
    expect(first.outputs.operation).toBe('created');
    const open = await pulls(repo.name);
    expect(open).toHaveLength(1);
    expect(open[0]!.head).toMatchObject({ ref: 'relkit/promote/gateway-api-inference-extension-v1.0.1', repo: { full_name: `release-bot/${repo.name}` } });
    expect(open[0]!.user?.login).toBe('release-bot');
    expect(await fileAt('release-bot', repo.name, first.outputs.branch!)).toBe(await golden('images-v1.0.1.yaml'));
    await expect(headOf('kubernetes', repo.name, first.outputs.branch!)).rejects.toMatchObject({ status: 404 });

    // A later staging push (a rebuilt image) changes one digest: the same pull request is updated.
    const rebuilt = { ...v101, [`${STAGING}/epp:v1.0.1`]: digestOf('9') };
    const second = await promote(repo, { ...inputs, digests: JSON.stringify(rebuilt) }, FORK_TOKEN);
    expect(errors(second)).toEqual([]);
    expect(second.outputs).toMatchObject({ operation: 'updated', 'pull-request-number': first.outputs['pull-request-number'] });
    expect(await pulls(repo.name)).toHaveLength(1);
    const after = await fileAt('release-bot', repo.name, first.outputs.branch!);
    expect(after).toContain(`"${digestOf('9')}": ["v1.0.1"]`);
    expect(after).not.toContain(digestOf('3'));
    expect(second.summary).toMatch(/reset relkit\/promote\/gateway-api-inference-extension-v1\.0\.1 \(only relkit's commits\)/);
  });

  it('refuses a fork that is not a fork of the target', async () => {
    const repo = setup();
    env.sandbox.addRepo({ owner: 'release-bot', ownerType: 'User', name: repo.name, commits: [{ id: 'x', message: 'unrelated', files: { a: 'b' } }] });
    const result = await promote(repo, { images: 'epp', 'staging-registry': STAGING, tags: 'v1.0.1', digests: JSON.stringify(v101), fork: 'release-bot' }, FORK_TOKEN);
    expect(result.failed).toBe(true);
    expect(errors(result).join('\n')).toContain(`release-bot/${repo.name} is not a fork of kubernetes/${repo.name}`);
  });
});

describe('promote-pr never overwrites a human', () => {
  it('stops when someone pushed to the promotion branch, naming the commit', async () => {
    const repo = setup();
    const inputs = { images: IMAGES.join('\n'), 'staging-registry': STAGING, tags: 'v1.0.1', digests: JSON.stringify(v101) };
    const first = await promote(repo, inputs);
    expect(errors(first)).toEqual([]);
    const branch = first.outputs.branch!;
    const admin = env.client().rest;
    const current = await admin.rest.repos.getContent({ owner: 'kubernetes', repo: repo.name, path: 'README.md', ref: branch });
    await admin.rest.repos.createOrUpdateFileContents({
      owner: 'kubernetes',
      repo: repo.name,
      path: 'README.md',
      branch,
      message: 'Add a note for reviewers',
      content: Buffer.from('# k8s.io\nnote\n').toString('base64'),
      sha: (current.data as { sha: string }).sha,
    });
    const human = await headOf('kubernetes', repo.name, branch);

    const rebuilt = { ...v101, [`${STAGING}/bbr:v1.0.1`]: digestOf('8') };
    const second = await promote(repo, { ...inputs, digests: JSON.stringify(rebuilt) });
    expect(second.failed).toBe(true);
    const message = errors(second).join('\n');
    expect(message).toContain(`Branch ${branch} of kubernetes/${repo.name} has 1 commit(s) relkit did not make: ${human.slice(0, 12)} by relkit-admin ("Add a note for reviewers")`);
    expect(message).toContain('Fix: ');
    expect(await headOf('kubernetes', repo.name, branch)).toBe(human);
    expect(await fileAt('kubernetes', repo.name, branch, 'README.md')).toBe('# k8s.io\nnote\n');

    // With the same digests the branch already carries the promotion: nothing to push, nothing refused.
    const same = await promote(repo, inputs);
    expect(errors(same)).toEqual([]);
    expect(same.outputs.operation).toBe('unchanged');
    expect(await headOf('kubernetes', repo.name, branch)).toBe(human);
  });
});

describe('promote-pr under faults', () => {
  it('converges after a run that failed opening the pull request: one pull request on one commit', async () => {
    const repo = setup();
    const inputs = { images: IMAGES.join('\n'), 'staging-registry': STAGING, tags: 'v1.0.1', digests: JSON.stringify(v101) };
    env.sandbox.addFault({ method: 'POST', path: `/repos/kubernetes/${repo.name}/pulls`, kind: 'status', status: 502, times: 20 });
    const failed = await promote(repo, inputs);
    expect(failed.failed).toBe(true);
    expect(await pulls(repo.name, 'all')).toHaveLength(0);
    const committed = await headOf('kubernetes', repo.name, failed.outputs.branch ?? 'relkit/promote/gateway-api-inference-extension-v1.0.1');
    env.sandbox.faults.clear();

    env.sandbox.addFault({ method: 'POST', path: '/graphql', kind: 'status', status: 502, times: 1 });
    const rerun = await promote(repo, inputs);
    env.sandbox.faults.clear();
    expect(errors(rerun)).toEqual([]);
    expect(rerun.outputs).toMatchObject({ operation: 'created', 'head-sha': committed });
    const open = await pulls(repo.name);
    expect(open).toHaveLength(1);
    const commits = (await env.client().rest.rest.pulls.listCommits({ owner: 'kubernetes', repo: repo.name, pull_number: open[0]!.number })).data;
    expect(commits).toHaveLength(1);
  });
});

describe('promote-pr waits for the merge', () => {
  it('blocks until the pull request is merged in the sandbox, then says merged', async () => {
    const repo = setup();
    const running = promote(repo, {
      images: IMAGES.join('\n'),
      'staging-registry': STAGING,
      tags: 'v1.0.1',
      digests: JSON.stringify(v101),
      'wait-merged': 'true',
      'merge-poll-interval': '200ms',
      'merge-timeout': '30s',
    });
    let number: number | undefined;
    for (let i = 0; i < 100 && number === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      number = (await pulls(repo.name))[0]?.number;
    }
    expect(number).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await env.client().rest.rest.pulls.merge({ owner: 'kubernetes', repo: repo.name, pull_number: number!, merge_method: 'squash' });
    const result = await running;
    expect(errors(result)).toEqual([]);
    expect(result.outputs).toMatchObject({ merged: 'true', 'pull-request-number': String(number) });
    expect(result.stdout).toMatch(/is merged as [0-9a-f]{12} after/);
    expect(await fileAt('kubernetes', repo.name, 'main')).toBe(await golden('images-v1.0.1.yaml'));

    // Re-running after the merge finds nothing to change and reports the merged pull request.
    const again = await promote(repo, { images: IMAGES.join('\n'), 'staging-registry': STAGING, tags: 'v1.0.1', digests: JSON.stringify(v101), 'wait-merged': 'true' });
    expect(again.outputs).toMatchObject({ operation: 'unchanged', merged: 'true', 'pull-request-number': String(number) });
  });

  it('fails at the timeout, naming the pull request', async () => {
    const repo = setup();
    const result = await promote(repo, {
      images: 'epp',
      'staging-registry': STAGING,
      tags: 'v1.0.1',
      digests: JSON.stringify(v101),
      'wait-merged': 'true',
      'merge-poll-interval': '100ms',
      'merge-timeout': '1s',
    });
    expect(result.failed).toBe(true);
    expect(errors(result).join('\n')).toMatch(/pull\/\d+ was not merged within 1s/);
  });
});

describe('promote-pr in mock mode', () => {
  it('prints the diff and the pull request it would open, and changes nothing', async () => {
    const repo = setup({ fork: true });
    const before = JSON.stringify(env.sandbox.dump());
    const result = await promote(
      repo,
      { images: IMAGES.join('\n'), 'staging-registry': STAGING, tags: 'v1.0.1', digests: JSON.stringify(v101), fork: 'release-bot', labels: 'area/artifacts', mock: 'true' },
      FORK_TOKEN,
    );
    expect(errors(result)).toEqual([]);
    expect(result.outputs.operation).toBe('created');
    expect(result.stdout).toContain(`+    "${digestOf('3')}": ["v1.0.1"]`);
    expect(result.stdout).toContain(`Would open "Promote gateway-api-inference-extension v1.0.1" from release-bot/${repo.name}:relkit/promote/gateway-api-inference-extension-v1.0.1`);
    for (const planned of [
      'create branch relkit/promote/gateway-api-inference-extension-v1.0.1 in release-bot/',
      'commit 1 file(s): Promote gateway-api-inference-extension v1.0.1',
      'open a pull request release-bot:relkit/promote/',
      'label the pull request area/artifacts',
    ]) {
      expect(result.summary).toContain(planned);
    }
    expect(JSON.stringify(env.sandbox.dump())).toBe(before);
  });
});

describe('promote-pr refuses bad input before any request', () => {
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['a bare number as tag', { images: 'epp', tags: '1' }, /`tags`: "1" is not a release tag: it has no patch number.*\nFix: Use the full tag/],
    ['a tag with build metadata', { images: 'epp', tags: 'v1.0.1+abc' }, /cannot be an image tag/],
    ['a malformed digest', { images: 'epp', tags: 'v1.0.1', digests: '{"epp":"sha256:abc"}' }, /digest of "epp" is "sha256:abc", not sha256: and 64 hex digits/],
    ['digests that are not JSON', { images: 'epp', tags: 'v1.0.1', digests: 'epp=sha256:abc' }, /`digests` is not JSON/],
    ['an unknown placeholder', { images: 'epp', tags: 'v1.0.1', title: 'Promote {release}' }, /`title` uses \{release\}/],
    ['an image with a tag', { images: `${STAGING}/epp:v1`, tags: 'v1.0.1' }, /has a tag or digest; the tags to promote come from `tags`/],
    ['a fork that is not OWNER', { images: 'epp', tags: 'v1.0.1', fork: 'a/b/c' }, /`fork` is "a\/b\/c", not OWNER or OWNER\/NAME/],
    ['nothing to change', { 'promoter-manifest': '', tags: 'v1.0.1' }, /Neither `promoter-manifest` nor `edits`/],
  ];
  for (const [what, inputs, message] of cases) {
    it(`refuses ${what}`, async () => {
      const repo = setup();
      env.sandbox.log.length = 0;
      const result = await promote(repo, { 'staging-registry': STAGING, ...inputs });
      expect(result.failed).toBe(true);
      expect(errors(result).join('\n')).toMatch(message);
      expect(env.sandbox.log).toHaveLength(0);
    });
  }

  it('names promoter-manifest when the target repository has no such file', async () => {
    const repo = setup();
    const result = await promote(repo, {
      'promoter-manifest': 'registry.k8s.io/images/k8s-staging-nope/images.yaml',
      images: 'epp',
      'staging-registry': STAGING,
      tags: 'v1.0.1',
      digests: JSON.stringify(v101),
    });
    expect(result.failed).toBe(true);
    expect(errors(result).join('\n')).toContain(`kubernetes/${repo.name}@main has no registry.k8s.io/images/k8s-staging-nope/images.yaml.\nFix: Set \`promoter-manifest\``);
  });

  it('reports a malformed manifest with its line and column, and writes nothing', async () => {
    const repo = setup();
    const admin = env.client().rest;
    const current = await admin.rest.repos.getContent({ owner: 'kubernetes', repo: repo.name, path: MANIFEST });
    await admin.rest.repos.createOrUpdateFileContents({
      owner: 'kubernetes',
      repo: repo.name,
      path: MANIFEST,
      message: 'break it',
      content: Buffer.from(`${original}- name: x\n  dmap: [\n`).toString('base64'),
      sha: (current.data as { sha: string }).sha,
    });
    const result = await promote(repo, { images: 'epp', 'staging-registry': STAGING, tags: 'v1.0.1', digests: JSON.stringify(v101) });
    expect(result.failed).toBe(true);
    expect(errors(result).join('\n')).toMatch(new RegExp(`${MANIFEST.replace(/\./g, '\\.')}:\\d+:\\d+: not valid YAML`));
    expect(await pulls(repo.name, 'all')).toHaveLength(0);
  });
});

describe('promote-pr resolves digests in a real registry', () => {
  const registry = useRegistry();

  it('reads each staging image at each tag and promotes exactly those digests', async () => {
    const repo = setup();
    const pushed = new Map<string, string>();
    for (const image of IMAGES) pushed.set(image, (await registry.pushImage(`k8s-staging-images/gaie/${image}`, 'v1.0.1')).digest);
    const result = await promote(repo, { images: IMAGES.join('\n'), 'staging-registry': `${registry.host}/k8s-staging-images/gaie`, tags: 'v1.0.1' });
    expect(errors(result)).toEqual([]);
    const after = await fileAt('kubernetes', repo.name, result.outputs.branch!);
    expect(addedLines(original, after)).toEqual(IMAGES.map((image) => `    "${pushed.get(image)}": ["v1.0.1"]`));
    expect(JSON.parse(result.outputs.digests!)).toEqual(Object.fromEntries(IMAGES.map((image) => [`${image}:v1.0.1`, pushed.get(image)])));
  });

  it('lists every image missing from staging and writes nothing', async () => {
    const repo = setup();
    await registry.pushImage('k8s-staging-images/gaie2/epp', 'v2.0.0');
    const result = await promote(repo, { images: 'epp\nbbr\nlora-syncer', 'staging-registry': `${registry.host}/k8s-staging-images/gaie2`, tags: 'v2.0.0' });
    expect(result.failed).toBe(true);
    const message = errors(result).join('\n');
    expect(message).toContain('2 image(s) to promote are not in the staging registry');
    expect(message).toContain(`${registry.host}/k8s-staging-images/gaie2/bbr:v2.0.0`);
    expect(message).toContain(`${registry.host}/k8s-staging-images/gaie2/lora-syncer:v2.0.0`);
    expect(await pulls(repo.name, 'all')).toHaveLength(0);
    await expect(headOf('kubernetes', repo.name, 'relkit/promote/gateway-api-inference-extension-v2.0.0')).rejects.toMatchObject({ status: 404 });
  });
});

describe('promote-pr with file edits', () => {
  it('edits other files of the target repository with bump-version-files selectors', async () => {
    const repo = setup();
    const result = await promote(repo, {
      'promoter-manifest': '',
      tags: 'v1.1.0',
      edits: 'charts/index.yaml: entries.gaie[0].version\nREADME.md: literal "# k8s.io" -> "# k8s.io (gaie {tag})"',
      name: 'gaie',
    });
    expect(errors(result)).toEqual([]);
    expect(result.outputs).toMatchObject({ operation: 'created', branch: 'relkit/promote/gaie-v1.1.0' });
    expect(await fileAt('kubernetes', repo.name, 'relkit/promote/gaie-v1.1.0', 'charts/index.yaml')).toBe(
      'entries:\n  gaie:\n    - version: 1.1.0 # latest\n      urls: [https://example.com/gaie-1.0.0.tgz]\n',
    );
    expect(await fileAt('kubernetes', repo.name, 'relkit/promote/gaie-v1.1.0', 'README.md')).toBe('# k8s.io (gaie v1.1.0)\n');
    const open = await pulls(repo.name);
    expect(open[0]!.body).toContain('- `charts/index.yaml`');
  });
});
