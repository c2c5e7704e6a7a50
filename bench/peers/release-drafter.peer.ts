import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'vitest';
import { runActionBundle } from '@relkit/runner';
import { startSandbox, SANDBOX_TOKENS, type Sandbox } from '@relkit/sandbox';
import { buildHistoryRepo } from '../history-repo.js';
import { median, report } from '../report.js';

/**
 * gen-relnotes and release-drafter on the same job, both run as the runner runs an action (node24,
 * a fresh process each): notes for 8 PRs among 100 and 1,000 commits since the last release, against
 * the sandbox at 50 ms a request. release-drafter is not vendored (it is a 2 MB bundle): point
 * RELKIT_PEER_RELEASE_DRAFTER at a checkout of https://github.com/release-drafter/release-drafter.
 */
const LATENCY_MS = 50;
const RUNS = 3;
const CONFIG = "name-template: 'v$RESOLVED_VERSION'\ntag-template: 'v$RESOLVED_VERSION'\ntemplate: |\n  ## Changes\n  $CHANGES\n";

function peerDir(): string {
  const dir = process.env.RELKIT_PEER_RELEASE_DRAFTER;
  if (!dir || !existsSync(join(dir, 'drafter/action.yml'))) {
    throw new Error(
      'bench:peers needs release-drafter: git clone --depth 1 https://github.com/release-drafter/release-drafter /tmp/release-drafter, then RELKIT_PEER_RELEASE_DRAFTER=/tmp/release-drafter npm run bench:peers',
    );
  }
  return dir;
}

async function api(sandbox: Sandbox, method: string, path: string, body?: unknown): Promise<unknown> {
  const answer = await fetch(`${sandbox.urls.api}${path}`, {
    method,
    headers: { authorization: `token ${SANDBOX_TOKENS.admin}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return answer.status === 204 ? undefined : answer.json();
}

it('gen-relnotes and release-drafter: the same notes job, run as actions', async () => {
  const peer = peerDir();
  const peerCommit = execFileSync('git', ['-C', peer, 'rev-parse', '--short', 'HEAD']).toString().trim();
  const peerVersion = (JSON.parse(readFileSync(join(peer, 'package.json'), 'utf8')) as { version: string }).version;
  const rows: Array<Record<string, string | number>> = [];
  for (const size of [100, 1000]) {
    const dir = buildHistoryRepo(size, 8, { '.github/release-drafter.yml': CONFIG });
    const sandbox = await startSandbox({ seed: { repos: [{ owner: 'acme', name: 'app', gitDir: dir }] } });
    const workspace = mkdtempSync(join(tmpdir(), 'relkit-peer-ws-'));
    try {
      await api(sandbox, 'POST', '/repos/acme/app/releases', { tag_name: 'v1.0.0', name: 'v1.0.0' });
      const event = join(workspace, 'event.json');
      writeFileSync(event, JSON.stringify({ ref: 'refs/heads/main', repository: { name: 'app', owner: { login: 'acme' }, default_branch: 'main' } }));
      const env = { ...sandbox.env(), GITHUB_REPOSITORY: 'acme/app', GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: event, GITHUB_REF: 'refs/heads/main' };
      const tools = [
        { name: `release-drafter ${peerVersion} (${peerCommit})`, action: join(peer, 'drafter/action.yml'), inputs: { token: SANDBOX_TOKENS.admin } },
        {
          name: 'relkit gen-relnotes',
          action: fileURLToPath(new URL('../../actions/gen-relnotes/action.yml', import.meta.url)),
          inputs: { token: SANDBOX_TOKENS.admin, from: 'v1.0.0', to: 'main', version: '1.1.0', repository: 'acme/app' },
        },
      ];
      for (const tool of tools) {
        const times: number[] = [];
        let requests = 0;
        let listed = 0;
        for (let run = 0; run < RUNS; run++) {
          sandbox.latencyMs = LATENCY_MS;
          sandbox.log.length = 0;
          const started = performance.now();
          const result = await runActionBundle({ action: tool.action, inputs: tool.inputs, env, cwd: workspace });
          times.push(performance.now() - started);
          if (result.exitCode !== 0) throw new Error(`${tool.name} failed:\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`);
          requests = sandbox.log.length;
          listed = ((result.outputs.body ?? result.outputs.notes ?? '').match(/Change number \d+/g) ?? []).length;
          // release-drafter leaves a draft behind: remove it so every run is the same job.
          sandbox.latencyMs = 0;
          for (const release of (await api(sandbox, 'GET', '/repos/acme/app/releases')) as Array<{ id: number; draft: boolean }>) {
            if (release.draft) await api(sandbox, 'DELETE', `/repos/acme/app/releases/${release.id}`);
          }
        }
        rows.push({ commits: size, tool: tool.name, 'PRs listed': listed, requests, 'median wall ms': Math.round(median(times)), runs: RUNS });
      }
    } finally {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
      rmSync(workspace, { recursive: true, force: true });
    }
  }
  report('gen-relnotes-vs-release-drafter', LATENCY_MS, rows);
});
