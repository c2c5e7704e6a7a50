import { spawn, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../dist/cli/index.js', import.meta.url));

function relkit(args: string[]): { code: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, [bin, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    return { code: 0, stdout, stderr: '' };
  } catch (error) {
    const e = error as { status: number; stdout: Buffer; stderr: Buffer };
    return { code: e.status, stdout: e.stdout.toString(), stderr: e.stderr.toString() };
  }
}

describe('the relkit command (committed bundle)', () => {
  it('prints help listing the actions found in actions/', () => {
    const { code, stdout } = relkit(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('relkit <action> [--<input> value …]');
    expect(stdout).toContain('relkit sandbox serve');
  });

  it("refuses a Node.js older than the actions' node24 at once, saying how to get 24", () => {
    // Node 20 and 22 lack what the bundles use on a runner (fs.glob without warnings, for one).
    const asNode20 =
      'data:text/javascript,Object.defineProperty(process, "versions", { value: { ...process.versions, node: "20.19.0" } }); Object.defineProperty(process, "version", { value: "v20.19.0" });';
    let result: { status: number; stderr: string } = { status: 0, stderr: '' };
    try {
      execFileSync(process.execPath, ['--import', asNode20, bin, 'bump-version-files', '--version', '1.2.3', '--files', 'VERSION', '--mock'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const e = error as { status: number; stderr: Buffer };
      result = { status: e.status, stderr: e.stderr.toString() };
    }
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'relkit: relkit runs the actions as GitHub does, on Node.js 24 (runs.using: node24), and this is Node.js v20.19.0.\nFix: Install Node.js 24 or newer (https://nodejs.org/en/download, or `nvm install 24`) and run relkit with it.\n',
    );
  });

  it('rejects an unknown command with the list of valid ones', () => {
    const { code, stderr } = relkit(['no-such-action']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/relkit has no action or command called `no-such-action`/);
    expect(stderr).toMatch(/Fix: Use one of: .*sandbox serve/);
  });

  it('serves the sandbox seeded from a JSON fixture until stopped', async () => {
    const fixture = fileURLToPath(new URL('../fixtures/sandbox-seed.json', import.meta.url));
    const child = spawn(process.execPath, [bin, 'sandbox', 'serve', '--seed', fixture], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const api = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /GITHUB_API_URL=(\S+)/.exec(output);
        if (match && output.includes('tokens:')) resolve(match[1] as string);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
    });
    try {
      expect(output).toContain('repositories: acme/app');
      const repo = (await (await fetch(`${api}/repos/acme/app`, { headers: { authorization: 'token ghp_sandbox_admin' } })).json()) as { full_name: string; default_branch: string };
      expect(repo).toMatchObject({ full_name: 'acme/app', default_branch: 'main' });
      const graphql = (await (
        await fetch(`${api}/graphql`, {
          method: 'POST',
          headers: { authorization: 'token ghp_sandbox_admin' },
          body: JSON.stringify({ query: '{ repository(owner:"acme", name:"app") { defaultBranchRef { target { ... on Commit { messageHeadline } } } } }' }),
        })
      ).json()) as { data: unknown };
      expect(graphql.data).toEqual({ repository: { defaultBranchRef: { target: { messageHeadline: 'Second' } } } });
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
  });
});
