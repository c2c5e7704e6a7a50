import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { startSandbox, SANDBOX_TOKENS, type SeedFixture } from '@relkit/sandbox';
import { UserError } from '@relkit/kit';
import { refuseUnknownFlags } from './args.js';
import { repositoryName } from './local-repository.js';

function seedFrom(path: string, repo: string | undefined): SeedFixture {
  const full = resolve(path);
  if (!existsSync(full)) throw new UserError(`The seed \`${path}\` does not exist.`, 'Pass --seed a JSON fixture file or a local git repository.');
  if (statSync(full).isDirectory()) {
    const [owner, name] = (repo ?? repositoryName(full)).split('/') as [string, string];
    return { repos: [{ owner, name, gitDir: full }] };
  }
  try {
    return JSON.parse(readFileSync(full, 'utf8')) as SeedFixture;
  } catch (error) {
    throw new UserError(`The seed file \`${path}\` is not valid JSON (${(error as Error).message}).`, 'Fix the JSON, or pass a git repository directory.');
  }
}

export const SANDBOX_USAGE = 'Usage: relkit sandbox serve [--port N] [--seed FILE.json|GIT_DIR] [--repo OWNER/NAME] [--latency MS]';

/** `relkit sandbox serve`: runs until interrupted. */
export async function sandboxServe(flags: Map<string, string>, print: (line: string) => void): Promise<void> {
  refuseUnknownFlags('sandbox serve', flags, ['port', 'seed', 'repo', 'latency'], SANDBOX_USAGE);
  if (flags.has('help')) {
    print(SANDBOX_USAGE);
    return;
  }
  const port = flags.has('port') ? Number(flags.get('port')) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port ${flags.get('port')} is not a port number.`, 'Pass --port 0..65535 (0 picks a free one).');
  const seed = flags.has('seed') ? seedFrom(flags.get('seed') as string, flags.get('repo')) : {};
  const sandbox = await startSandbox({ port, seed, latencyMs: Number(flags.get('latency') ?? 0) });
  print(`GitHub sandbox listening`);
  print(`  GITHUB_API_URL=${sandbox.urls.api}`);
  print(`  GITHUB_GRAPHQL_URL=${sandbox.urls.graphql}`);
  print(`  uploads:  ${sandbox.urls.uploads}`);
  print(`  control:  ${sandbox.urls.api}/_sandbox/state`);
  print(`  repositories: ${[...sandbox.state.repos.values()].map((r) => `${r.owner.login}/${r.name}`).join(', ') || '(none)'}`);
  print(
    `  tokens: ${Object.entries(SANDBOX_TOKENS)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
  await new Promise<void>((resolveStop) => {
    const stop = () => void sandbox.close().then(resolveStop);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
