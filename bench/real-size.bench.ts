import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { it } from 'vitest';
import { rehearse, type Scenario } from '@relkit/rehearsal';
import { startSandbox } from '@relkit/sandbox';
import { scratchDir } from '../test/helpers/scratch.js';
import { generatedRepository, KATA_SHAPE, METALLB_SHAPE, type RepoShape } from './real-size-repo.js';
import { median, report } from './report.js';

const CLI = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url));
const ACTIONS = fileURLToPath(new URL('../actions/', import.meta.url));
const RELEASE_YML = fileURLToPath(new URL('../.github/workflows/release.yml', import.meta.url));

/** `relkit sandbox serve --seed DIR` as a process of its own: time until it listens, its peak RSS, its API. */
async function serve(dir: string): Promise<{ readyMs: number; readyMb: number; peakMb: () => number; api: string; stop: () => void }> {
  const started = Date.now();
  const child = spawn('node', [CLI, 'sandbox', 'serve', '--seed', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const api = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /GITHUB_API_URL=(\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`sandbox serve exited ${code}: ${out}`)));
  });
  const readyMs = Date.now() - started;
  // The CLI serves from a child of its own (with a small young generation): measure that one.
  const server = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim() || String(child.pid);
  const peakMb = () => Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${server}/status`, 'utf8'))?.[1] ?? 0) / 1024);
  return { readyMs, readyMb: peakMb(), peakMb, api, stop: () => child.kill() };
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { ms: Math.round(performance.now() - started), value };
}

const graphql = (api: string, query: string) =>
  fetch(`${api}/graphql`, { method: 'POST', headers: { authorization: 'Bearer ghp_sandbox_admin', 'content-type': 'application/json' }, body: JSON.stringify({ query }) }).then(
    async (r) => (await r.json()) as { data: unknown; errors?: unknown },
  );

it('real-size repositories: seeding, checkout, compare pages and a whole rehearsal', async () => {
  const rows: Array<Record<string, string | number>> = [];
  const rehearsals: Array<Record<string, string | number>> = [];
  for (const shape of [METALLB_SHAPE, KATA_SHAPE] as RepoShape[]) {
    const generated = await timed(() => generatedRepository(shape));
    const dir = generated.value;
    const [owner, name] = shape.origin.split('/') as [string, string];
    const tags = (
      await new Promise<string>((resolve) => {
        const git = spawn('git', ['-C', dir, 'tag', '--sort=-creatordate']);
        let text = '';
        git.stdout.on('data', (c: Buffer) => (text += c.toString()));
        git.on('exit', () => resolve(text));
      })
    )
      .trim()
      .split('\n');
    const [newest, previous] = tags as [string, string];

    const server = await serve(dir);
    let checkoutMs = 0;
    let checkoutRequests = 0;
    let tarballMb = 0;
    const pages: number[] = [];
    const restPages: number[] = [];
    let coldPageMs = 0;
    let zipballMs = 0;
    try {
      const before = ((await (await fetch(`${server.api}/_sandbox/requests`)).json()) as { total: number }).total;
      const checkout = await timed(async () => {
        const commit = (await (await fetch(`${server.api}/repos/${shape.origin}/commits/main`, { headers: { authorization: 'Bearer ghp_sandbox_admin' } })).json()) as { sha: string };
        return Buffer.from(await (await fetch(`${server.api}/repos/${shape.origin}/tarball/${commit.sha}`, { headers: { authorization: 'Bearer ghp_sandbox_admin' } })).arrayBuffer());
      });
      checkoutMs = checkout.ms;
      tarballMb = Math.round(checkout.value.length / 1048576);
      checkoutRequests = ((await (await fetch(`${server.api}/_sandbox/requests`)).json()) as { total: number }).total - before;
      // A page of 100 commits between the two newest (annotated) tags, with the PRs each belongs to.
      const query = `query { repository(owner: "${owner}", name: "${name}") { ref(qualifiedName: "refs/tags/${previous}") { compare(headRef: "${newest}") { aheadBy commits(first: 100) { nodes { oid associatedPullRequests(first: 5) { nodes { number } } } } } } } }`;
      coldPageMs = (await timed(() => graphql(server.api, query))).ms;
      for (let i = 0; i < 5; i++) pages.push((await timed(() => graphql(server.api, query))).ms);
      // The same page through REST compare, as branch-ownership and the notes' API path read it.
      const rest = () => fetch(`${server.api}/repos/${shape.origin}/compare/${previous}...${newest}?per_page=100`, { headers: { authorization: 'Bearer ghp_sandbox_admin' } }).then((r) => r.json());
      for (let i = 0; i < 6; i++) restPages.push((await timed(rest)).ms);
      restPages.shift();
      zipballMs = (await timed(() => fetch(`${server.api}/repos/${shape.origin}/zipball/main`, { headers: { authorization: 'Bearer ghp_sandbox_admin' } }).then((r) => r.arrayBuffer()))).ms;
    } finally {
      rows.push({
        repository: shape.name,
        'generate s': Number((generated.ms / 1000).toFixed(1)),
        'seed ready ms': server.readyMs,
        'RSS at ready MB': server.readyMb,
        'peak RSS MB (after checkout, compares)': server.peakMb(),
        'checkout requests': checkoutRequests,
        'checkout ms': checkoutMs,
        'tarball MB': tarballMb,
        'GraphQL compare page ms (cold)': coldPageMs,
        'GraphQL compare page ms (median)': median(pages),
        'REST compare page ms (median)': median(restPages),
        'zipball ms': zipballMs,
      });
      server.stop();
    }

    // The whole release through release.yml, in process (requests counted by the sandbox).
    const scenario: Scenario = {
      name: 'repo-dir',
      title: shape.name,
      process: '',
      repository: shape.origin,
      dispatchBranch: 'main',
      repos: [{ owner, name, gitDir: dir, defaultBranch: 'main' }],
      inputs: { version: 'patch', 'version-files': 'VERSION', 'bump-mode': 'commit', 'tag-prefix': '' },
      expect: { version: '', tag: '', branch: 'main', files: {}, published: true, prerelease: false, latest: true, assets: [], notes: [], locked: false },
    };
    const sandbox = await startSandbox({ seed: { repos: scenario.repos } });
    const workdir = await scratchDir(`bench-${shape.name}`);
    try {
      const run = await timed(() => rehearse({ scenario, sandbox, mock: false, actionsDir: ACTIONS, workflowFile: RELEASE_YML, workdir }));
      const seconds = (id: string) => Number(((run.value.jobs[id]?.durationMs ?? 0) / 1000).toFixed(1));
      rehearsals.push({
        repository: shape.name,
        result: run.value.result,
        'wall s': Number((run.ms / 1000).toFixed(1)),
        requests: sandbox.log.length,
        graphql: sandbox.log.filter((e) => e.server === 'graphql').length,
        'plan s': seconds('plan'),
        'notes s': seconds('notes'),
        'bump s': seconds('bump'),
      });
    } finally {
      await sandbox.close();
    }
  }
  report('real-size', "generated repositories of Kata's and MetalLB's shape; sandbox serve as its own process", rows);
  report('real-size-rehearsal', 'rehearse of a patch release (VERSION bumped) on each generated repository, in process', rehearsals);
}, 3_600_000);
