import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { HttpError } from './http.js';
import { fullName, type Identity, type Repository, type SandboxState } from './model.js';
import { setRef } from './repo-ops.js';
import { mintedToken } from './rest/apps.js';
import { canRead, requireWrite } from './rules.js';

/** `/_html/{owner}/{repo}[.git]/info/refs`, `…/git-upload-pack`, `…/git-receive-pack`: git's smart HTTP. */
const GIT_PATH = /^\/_html\/([^/]+)\/([^/]+?)(?:\.git)?\/(info\/refs|git-upload-pack|git-receive-pack)$/;

export function isGitRequest(path: string): boolean {
  return GIT_PATH.test(path);
}

/** The token of `Authorization: Basic base64(x-access-token:TOKEN)`, as git sends what a URL or credential helper gives it. */
function basicToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? '';
  const basic = /^Basic\s+(.+)$/i.exec(header)?.[1];
  if (basic) return Buffer.from(basic, 'base64').toString('utf8').split(':').slice(1).join(':') || undefined;
  return /^(?:token|bearer)\s+(.+)$/i.exec(header)?.[1];
}

/**
 * A bare repository on disk that holds the sandbox repository's objects and refs, so that git's own
 * `http-backend` can serve fetches and pushes; the sandbox stays the source of truth: every push is
 * checked and applied by the sandbox (its pre-receive hook asks it), and the mirror is brought up to
 * date before each request.
 */
export class GitMirrors {
  private readonly written = new Map<string, Set<string>>();

  constructor(
    private readonly root: string,
    private readonly hookUrl: () => string,
  ) {}

  private sync(repo: Repository): string {
    const dir = join(this.root, repo.owner.login, `${repo.name}.git`);
    if (!existsSync(dir)) {
      mkdirSync(dir, { recursive: true });
      spawnSync('git', ['init', '-q', '--bare', dir]);
      spawnSync('git', ['-C', dir, 'config', 'http.receivepack', 'true']);
      spawnSync('git', ['-C', dir, 'config', 'receive.advertisePushOptions', 'false']);
      // actions/checkout fetches the commit it was given by its SHA.
      spawnSync('git', ['-C', dir, 'config', 'uploadpack.allowAnySHA1InWant', 'true']);
      const hook = join(dir, 'hooks', 'pre-receive');
      writeFileSync(hook, `#!/bin/sh\nexec "${process.execPath}" "${join(this.root, 'pre-receive.mjs')}" "${this.hookUrl()}"\n`, { mode: 0o755 });
    }
    // A repository seeded from a local clone keeps its objects there: the mirror borrows them.
    const borrowed = repo.objects.backingObjectsDir;
    if (borrowed) writeFileSync(join(dir, 'objects', 'info', 'alternates'), `${borrowed}\n`);
    const done = this.written.get(dir) ?? new Set<string>();
    this.written.set(dir, done);
    for (const [sha, object] of repo.objects.entries()) {
      if (done.has(sha)) continue;
      const file = join(dir, 'objects', sha.slice(0, 2), sha.slice(2));
      mkdirSync(join(dir, 'objects', sha.slice(0, 2)), { recursive: true });
      writeFileSync(file, deflateSync(Buffer.concat([Buffer.from(`${object.type} ${object.data.length}\0`), object.data])));
      done.add(sha);
    }
    rmSync(join(dir, 'refs', 'heads'), { recursive: true, force: true });
    rmSync(join(dir, 'refs', 'tags'), { recursive: true, force: true });
    mkdirSync(join(dir, 'refs', 'heads'), { recursive: true });
    mkdirSync(join(dir, 'refs', 'tags'), { recursive: true });
    const refs = [...repo.refs].filter(([ref]) => ref.startsWith('refs/heads/') || ref.startsWith('refs/tags/')).sort(([a], [b]) => (a < b ? -1 : 1));
    writeFileSync(join(dir, 'packed-refs'), `# pack-refs with: peeled fully-peeled sorted\n${refs.map(([ref, sha]) => `${sha} ${ref}\n`).join('')}`);
    writeFileSync(join(dir, 'HEAD'), `ref: refs/heads/${repo.defaultBranch}\n`);
    return dir;
  }

  /** Serves one smart-HTTP request through `git http-backend`. */
  async serve(state: SandboxState, req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<void> {
    const [, owner = '', name = '', action = ''] = GIT_PATH.exec(url.pathname) ?? [];
    const repo = state.repo(owner, name);
    const token = basicToken(req);
    const identity = token ? (state.identities.get(token) ?? mintedToken(state, token)) : undefined;
    const pushing = action === 'git-receive-pack' || url.searchParams.get('service') === 'git-receive-pack';
    try {
      if (!repo || !canRead(repo, identity)) throw new HttpError(404, 'Repository not found.');
      if (pushing) {
        if (!identity) throw new HttpError(401, 'Authentication required.');
        requireWrite(repo, identity, 'contents');
      }
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      res.writeHead(status, { 'content-type': 'text/plain', ...(status === 401 ? { 'www-authenticate': 'Basic realm="GitHub"' } : {}) });
      res.end(`${(error as Error).message}\n`);
      return;
    }
    this.sync(repo);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      GIT_PROJECT_ROOT: this.root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: `/${repo.owner.login}/${repo.name}.git/${action}`,
      REQUEST_METHOD: req.method ?? 'GET',
      QUERY_STRING: url.search.replace(/^\?/, ''),
      CONTENT_TYPE: String(req.headers['content-type'] ?? ''),
      CONTENT_LENGTH: String(body.length),
      REMOTE_USER: identity?.account.login ?? 'anonymous',
      REMOTE_ADDR: '127.0.0.1',
      // The pre-receive hook hands the push to the sandbox under this identity.
      RELKIT_SANDBOX_TOKEN: token ?? '',
      RELKIT_SANDBOX_REPO: fullName(repo),
      ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) } : {}),
      ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
    };
    const output = await new Promise<Buffer>((resolve, reject) => {
      const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      const chunks: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
      child.on('error', reject);
      child.on('close', () => resolve(Buffer.concat(chunks)));
      // http-backend may answer (an advertisement, a refusal) without reading the whole body; the
      // answer is what counts, so a pipe it closed early is no error of the request.
      child.stdin.on('error', () => {});
      child.stdin.end(body);
    });
    const split = output.indexOf('\r\n\r\n');
    const head = output.subarray(0, split < 0 ? 0 : split).toString('latin1');
    const headers: Record<string, string> = {};
    let status = 200;
    for (const line of head.split('\r\n')) {
      const [key = '', ...rest] = line.split(':');
      const value = rest.join(':').trim();
      if (key.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
      else if (key) headers[key] = value;
    }
    res.writeHead(status, headers);
    res.end(output.subarray(split < 0 ? 0 : split + 4));
  }
}

/** The objects a push brings and the ref updates it asks for, as the pre-receive hook sends them. */
export interface PushRequest {
  repository: string;
  token: string;
  objects: Array<{ type: 'blob' | 'tree' | 'commit' | 'tag'; data: string }>;
  updates: Array<{ before: string; after: string; ref: string }>;
}

const ZERO = '0000000000000000000000000000000000000000';

/**
 * Applies a push as GitHub would: the pusher may write contents, and each ref update passes the
 * branch's protection and rulesets; any refusal refuses the whole push, before anything moves.
 */
export function applyPush(state: SandboxState, push: PushRequest): { ok: true } | { ok: false; message: string } {
  const repo = state.repo(push.repository);
  const identity: Identity | undefined = state.identities.get(push.token) ?? mintedToken(state, push.token);
  if (!repo || !identity) return { ok: false, message: 'Repository not found or not permitted.' };
  try {
    requireWrite(repo, identity, 'contents');
    for (const object of push.objects) repo.objects.put(object.type, Buffer.from(object.data, 'base64'));
    const snapshot = new Map(repo.refs);
    try {
      for (const update of push.updates) setRef(repo, identity, update.ref, update.after === ZERO ? undefined : update.after, { force: true });
    } catch (error) {
      repo.refs.clear();
      for (const [ref, sha] of snapshot) repo.refs.set(ref, sha);
      throw error;
    }
    return { ok: true };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/** The pre-receive hook: reads git's `old new ref` lines and the pushed objects, and asks the sandbox. */
export const PRE_RECEIVE_SCRIPT = `import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
const updates = readFileSync(0, 'utf8').trim().split('\\n').filter(Boolean).map((line) => { const [before, after, ref] = line.split(' '); return { before, after, ref }; });
const tips = updates.map((u) => u.after).filter((sha) => !/^0+$/.test(sha));
const listed = tips.length ? execFileSync('git', ['rev-list', '--objects', ...tips, '--not', '--all'], { encoding: 'utf8', maxBuffer: 1 << 30 }) : '';
const shas = [...new Set(listed.split('\\n').filter(Boolean).map((line) => line.slice(0, 40)))];
const objects = [];
if (shas.length) {
  const batch = execFileSync('git', ['cat-file', '--batch'], { input: shas.join('\\n') + '\\n', maxBuffer: 1 << 30 });
  let at = 0;
  while (at < batch.length) {
    const end = batch.indexOf(10, at);
    const [, type, size] = batch.subarray(at, end).toString().split(' ');
    const data = batch.subarray(end + 1, end + 1 + Number(size));
    objects.push({ type, data: data.toString('base64') });
    at = end + 1 + Number(size) + 1;
  }
}
const answer = await fetch(process.argv[2], { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ repository: process.env.RELKIT_SANDBOX_REPO, token: process.env.RELKIT_SANDBOX_TOKEN, objects, updates }) });
const result = await answer.json();
if (!result.ok) { console.log(result.message); process.exit(1); }
`;
