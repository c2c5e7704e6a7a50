import { HttpError, validationFailed } from './http.js';
import { nowIso, type Identity, type PullRequest, type Repository, type SandboxState } from './model.js';
import { checkRefChange } from './rules.js';
import type { Signature } from './git-objects.js';

/** Resolves a sha (full or abbreviated), branch, tag or full ref name to a commit sha. */
export function resolveCommitish(repo: Repository, commitish: string): string | undefined {
  const candidates = commitish.startsWith('refs/') ? [commitish] : [`refs/heads/${commitish}`, `refs/tags/${commitish}`, `refs/${commitish}`];
  for (const ref of candidates) {
    const sha = repo.refs.get(ref);
    if (sha) return repo.objects.peel(sha);
  }
  const sha = repo.objects.resolvePrefix(commitish.toLowerCase());
  if (sha) {
    const peeled = repo.objects.peel(sha);
    if (repo.objects.typeOf(peeled) === 'commit') return peeled;
  }
  return undefined;
}

export function requireCommit(repo: Repository, commitish: string): string {
  const sha = resolveCommitish(repo, commitish);
  if (!sha) throw new HttpError(422, `No commit found for SHA: ${commitish}`);
  return sha;
}

/**
 * The only way the sandbox moves a ref: the protection and ruleset checks, then the update.
 * `force` allows a non-fast-forward update, as PATCH /git/refs does.
 */
export function setRef(repo: Repository, identity: Identity, ref: string, sha: string | undefined, options: { force?: boolean; viaPullRequest?: boolean } = {}): void {
  const before = repo.refs.get(ref);
  if (before !== undefined && sha !== undefined && before !== sha && !options.force) {
    const beforeCommit = repo.objects.peel(before);
    if (repo.objects.typeOf(beforeCommit) === 'commit' && !repo.objects.isAncestor(beforeCommit, sha)) {
      throw new HttpError(422, 'Update is not a fast forward');
    }
  }
  if (before === sha) return;
  checkRefChange(repo, identity, { ref, before, after: sha, viaPullRequest: options.viaPullRequest ?? false });
  if (sha === undefined) repo.refs.delete(ref);
  else repo.refs.set(ref, sha);
  repo.pushedAt = nowIso();
  repo.pushes.push({ ref, before, after: sha, actor: identity.account.login, kind: identity.kind, at: Date.now() });
}

export function signatureFor(identity: Identity, time = Math.floor(Date.now() / 1000)): Signature {
  const login = identity.account.login;
  return { name: identity.account.name ?? login, email: identity.account.email ?? `${identity.account.id}+${login}@users.noreply.github.com`, time, tz: '+0000' };
}

/** GitHub's own committer for commits it creates and signs (web-flow). */
export function webFlowSignature(time = Math.floor(Date.now() / 1000)): Signature {
  return { name: 'GitHub', email: 'noreply@github.com', time, tz: '+0000' };
}

export const WEB_FLOW_SIGNATURE = '-----BEGIN PGP SIGNATURE-----\n\nwsBcBAABCAAQBQJsandbox-signed-by-github\n-----END PGP SIGNATURE-----';

export interface FileChange {
  path: string;
  /** New content; null deletes the file. */
  content: Buffer | null;
  mode?: string;
}

/** Builds a commit on top of `parent` with file changes, signed as GitHub signs web commits. */
export function commitFiles(repo: Repository, identity: Identity, parent: string | undefined, message: string, changes: FileChange[], options: { signed?: boolean } = {}): string {
  const parentCommit = parent ? repo.objects.commit(parent) : undefined;
  if (parent && !parentCommit) throw validationFailed([{ resource: 'Commit', code: 'invalid', field: 'parent' }]);
  const tree = repo.objects.applyChanges(
    parentCommit?.tree,
    changes.map((c) => ({ path: c.path.replace(/^\/+/, ''), mode: c.mode ?? '100644', sha: c.content === null ? null : repo.objects.putBlob(c.content) })),
  );
  const now = Math.floor(Date.now() / 1000);
  const signed = options.signed ?? true;
  return repo.objects.putCommit({
    tree,
    parents: parent ? [parent] : [],
    author: signatureFor(identity, now),
    committer: signed ? webFlowSignature(now) : signatureFor(identity, now),
    message,
    ...(signed ? { signature: WEB_FLOW_SIGNATURE } : {}),
  });
}

/** Paths whose content differs between two trees (for compare `files` and workflow checks). */
export type PathChange = { path: string; status: 'added' | 'removed' | 'modified'; before?: string; after?: string };

/**
 * Files that differ between two trees, sorted by path. Subtrees with the same id are skipped, as
 * git's own tree diff does: two commits of a 15,000-file tree that change two files read a handful
 * of trees, not all of them.
 */
export function changedPaths(repo: Repository, baseTree: string | undefined, headTree: string): PathChange[] {
  const result: PathChange[] = [];
  const files = (tree: string | undefined, prefix: string, status: 'added' | 'removed') => {
    for (const [path, entry] of tree ? repo.objects.listFiles(tree) : [])
      result.push(status === 'added' ? { path: `${prefix}${path}`, status, after: entry.sha } : { path: `${prefix}${path}`, status, before: entry.sha });
  };
  const walk = (before: string | undefined, after: string | undefined, prefix: string) => {
    if (before === after) return;
    const old = new Map((before ? (repo.objects.tree(before) ?? []) : []).map((e) => [e.name, e]));
    const now = new Map((after ? (repo.objects.tree(after) ?? []) : []).map((e) => [e.name, e]));
    for (const name of new Set([...old.keys(), ...now.keys()])) {
      const a = old.get(name);
      const b = now.get(name);
      if (a && b && a.sha === b.sha && a.type === b.type) continue;
      const path = `${prefix}${name}`;
      if (a?.type === 'tree' && b?.type === 'tree') walk(a.sha, b.sha, `${path}/`);
      else {
        if (a?.type === 'tree') files(a.sha, `${path}/`, 'removed');
        if (b?.type === 'tree') files(b.sha, `${path}/`, 'added');
        const aFile = a && a.type !== 'tree' ? a : undefined;
        const bFile = b && b.type !== 'tree' ? b : undefined;
        if (aFile && bFile) result.push({ path, status: 'modified', before: aFile.sha, after: bFile.sha });
        else if (bFile) result.push({ path, status: 'added', after: bFile.sha });
        else if (aFile) result.push({ path, status: 'removed', before: aFile.sha });
      }
    }
  };
  walk(baseTree, headTree, '');
  return result.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Keeps an open PR's head and base shas in step with its branches, as GitHub does. */
export function refreshPull(state: SandboxState, repo: Repository, pr: PullRequest): PullRequest {
  if (pr.state !== 'open') return pr;
  const headRepo = state.repo(pr.headRepo);
  const head = headRepo?.refs.get(`refs/heads/${pr.headRef}`);
  if (head) pr.headSha = head;
  const base = repo.refs.get(`refs/heads/${pr.baseRef}`);
  if (base) pr.baseSha = base;
  return pr;
}
