import { HttpError, missingField, notFound, requireBody, validationFailed, type RequestContext, type Router } from '../http.js';
import type { Repository } from '../model.js';
import type { ObjectType, TreeEntry } from '../git-objects.js';
import * as json from '../serialize.js';
import { setRef, signatureFor, WEB_FLOW_SIGNATURE, webFlowSignature } from '../repo-ops.js';
import { requireWrite } from '../rules.js';

function listRefs(ctx: RequestContext, repo: Repository, prefix: string): Record<string, unknown>[] {
  const full = prefix === '' ? 'refs/' : `refs/${prefix}`;
  return [...repo.refs]
    .filter(([ref]) => ref.startsWith(full))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([ref, sha]) => json.gitRef(ctx.urls, repo, ref, sha));
}

function treeBody(ctx: RequestContext, repo: Repository, sha: string, recursive: boolean): Record<string, unknown> {
  const entries: Record<string, unknown>[] = [];
  const walk = (treeSha: string, prefix: string) => {
    for (const e of repo.objects.tree(treeSha) ?? []) {
      const path = prefix ? `${prefix}/${e.name}` : e.name;
      const entry: Record<string, unknown> = { path, mode: e.mode, type: e.type, sha: e.sha };
      if (e.type === 'blob') {
        entry.size = repo.objects.blob(e.sha)?.length ?? 0;
        entry.url = `${json.repoUrl(ctx.urls, repo)}/git/blobs/${e.sha}`;
      } else if (e.type === 'tree') entry.url = `${json.repoUrl(ctx.urls, repo)}/git/trees/${e.sha}`;
      entries.push(entry);
      if (recursive && e.type === 'tree') walk(e.sha, path);
    }
  };
  walk(sha, '');
  return { sha, url: `${json.repoUrl(ctx.urls, repo)}/git/trees/${sha}`, tree: entries, truncated: false };
}

const VALID_MODES = new Set(['100644', '100755', '040000', '160000', '120000']);

/** The Git database API: blobs, trees, commits and annotated tags, then refs. */
export function registerGitRoutes(router: Router): void {
  registerObjectRoutes(router);
  registerRefRoutes(router);
}

function registerObjectRoutes(router: Router): void {
  router.add('POST', '/repos/{owner}/{repo}/git/blobs', (ctx) => {
    const repo = ctx.repo();
    requireWrite(repo, ctx.identity, 'contents');
    const body = requireBody<{ content?: string; encoding?: string }>(ctx);
    if (typeof body.content !== 'string') throw missingField('Blob', 'content');
    const data = Buffer.from(body.content, body.encoding === 'base64' ? 'base64' : 'utf8');
    const sha = repo.objects.putBlob(data);
    return { status: 201, body: { sha, url: `${json.repoUrl(ctx.urls, repo)}/git/blobs/${sha}` } };
  });
  router.add('GET', '/repos/{owner}/{repo}/git/blobs/{file_sha}', (ctx) => {
    const repo = ctx.repo();
    const data = repo.objects.blob(ctx.params.file_sha as string);
    if (!data) throw notFound();
    return {
      status: 200,
      body: {
        sha: ctx.params.file_sha,
        node_id: json.nodeId('Blob', ctx.params.file_sha as string),
        size: data.length,
        url: `${json.repoUrl(ctx.urls, repo)}/git/blobs/${ctx.params.file_sha}`,
        content: data.toString('base64'),
        encoding: 'base64',
      },
    };
  });

  router.add('POST', '/repos/{owner}/{repo}/git/trees', (ctx) => {
    const repo = ctx.repo();
    requireWrite(repo, ctx.identity, 'contents');
    const body = requireBody<{ tree?: { path?: string; mode?: string; type?: string; sha?: string | null; content?: string }[]; base_tree?: string }>(ctx);
    if (!Array.isArray(body.tree)) throw missingField('Tree', 'tree');
    let baseTree: string | undefined;
    if (body.base_tree) {
      const peeled = repo.objects.peel(body.base_tree);
      baseTree = repo.objects.typeOf(peeled) === 'commit' ? repo.objects.commit(peeled)?.tree : peeled;
      if (!baseTree || repo.objects.typeOf(baseTree) !== 'tree') throw validationFailed([{ resource: 'Tree', code: 'invalid', field: 'base_tree' }], 'base_tree is not a valid tree oid');
    }
    const changes = body.tree.map((item) => {
      if (!item.path) throw validationFailed([{ resource: 'Tree', code: 'missing_field', field: 'path' }]);
      if (!item.mode || !VALID_MODES.has(item.mode)) throw validationFailed([{ resource: 'Tree', code: 'invalid', field: 'mode' }], `tree.mode contains a malformed mode: ${item.mode}`);
      let sha: string | null;
      if (item.content !== undefined) sha = repo.objects.putBlob(item.content);
      else if (item.sha === null) sha = null;
      else if (item.sha && repo.objects.has(item.sha)) sha = item.sha;
      else throw validationFailed([{ resource: 'Tree', code: 'invalid', field: 'sha' }], `tree.sha ${item.sha} is not a valid ${item.type ?? 'blob'}`);
      return { path: item.path, mode: item.mode, sha };
    });
    const sha = repo.objects.applyChanges(baseTree, changes);
    return { status: 201, body: treeBody(ctx, repo, sha, false) };
  });
  router.add('GET', '/repos/{owner}/{repo}/git/trees/{tree_sha}', (ctx) => {
    const repo = ctx.repo();
    let sha = repo.objects.resolvePrefix(ctx.params.tree_sha as string) ?? repo.refs.get(`refs/heads/${ctx.params.tree_sha}`);
    if (sha && repo.objects.typeOf(repo.objects.peel(sha)) === 'commit') sha = repo.objects.commit(repo.objects.peel(sha))?.tree;
    if (!sha || repo.objects.typeOf(sha) !== 'tree') throw notFound();
    const recursive = ['1', 'true'].includes(ctx.query.get('recursive') ?? '');
    return { status: 200, body: treeBody(ctx, repo, sha, recursive) };
  });

  router.add('POST', '/repos/{owner}/{repo}/git/commits', (ctx) => {
    const repo = ctx.repo();
    const identity = requireWrite(repo, ctx.identity, 'contents');
    const body = requireBody<{
      message?: string;
      tree?: string;
      parents?: string[];
      author?: { name: string; email: string; date?: string };
      committer?: { name: string; email: string; date?: string };
      signature?: string;
    }>(ctx);
    if (typeof body.message !== 'string') throw missingField('Commit', 'message');
    if (!body.tree || repo.objects.typeOf(body.tree) !== 'tree') throw validationFailed([{ resource: 'Commit', code: 'invalid', field: 'tree' }], 'Tree SHA does not exist');
    for (const parent of body.parents ?? []) {
      if (repo.objects.typeOf(parent) !== 'commit') throw validationFailed([{ resource: 'Commit', code: 'invalid', field: 'parents' }], 'Parent SHA does not exist or is not a commit object');
    }
    const now = Math.floor(Date.now() / 1000);
    const sig = (given: { name: string; email: string; date?: string } | undefined, fallback = signatureFor(identity, now)) =>
      given ? { name: given.name, email: given.email, time: given.date ? Math.floor(Date.parse(given.date) / 1000) : now, tz: '+0000' } : fallback;
    const author = sig(body.author);
    // "Signature verification for bots will only work if the request is verified and authenticated as
    // the GitHub App or bot and contains no custom author information, custom committer information,
    // and no custom signature information" — then GitHub commits as web-flow and signs.
    // https://docs.github.com/en/authentication/managing-commit-signature-verification/about-commit-signature-verification#signature-verification-for-bots
    const signedByGitHub = identity.kind !== 'user' && !body.author && !body.committer && !body.signature;
    const sha = repo.objects.putCommit({
      tree: body.tree,
      parents: body.parents ?? [],
      author,
      committer: signedByGitHub ? webFlowSignature(now) : sig(body.committer, author),
      message: body.message,
      ...(signedByGitHub ? { signature: WEB_FLOW_SIGNATURE } : body.signature ? { signature: body.signature } : {}),
    });
    return { status: 201, body: json.gitCommit(ctx.urls, repo, repo.objects.commit(sha) as never) };
  });
  router.add('GET', '/repos/{owner}/{repo}/git/commits/{commit_sha}', (ctx) => {
    const repo = ctx.repo();
    const commit = repo.objects.commit(ctx.params.commit_sha as string);
    if (!commit) throw notFound();
    return { status: 200, body: json.gitCommit(ctx.urls, repo, commit) };
  });

  router.add('POST', '/repos/{owner}/{repo}/git/tags', (ctx) => {
    const repo = ctx.repo();
    const identity = requireWrite(repo, ctx.identity, 'contents');
    const body = requireBody<{ tag?: string; message?: string; object?: string; type?: ObjectType; tagger?: { name: string; email: string; date?: string } }>(ctx);
    if (!body.tag) throw missingField('Tag', 'tag');
    if (!body.object || !repo.objects.has(body.object)) throw validationFailed([{ resource: 'Tag', code: 'invalid', field: 'object' }], 'Object does not exist');
    const tagger = body.tagger
      ? { name: body.tagger.name, email: body.tagger.email, time: body.tagger.date ? Math.floor(Date.parse(body.tagger.date) / 1000) : Math.floor(Date.now() / 1000), tz: '+0000' }
      : signatureFor(identity);
    const sha = repo.objects.putTag({ object: body.object, type: body.type ?? repo.objects.typeOf(body.object) ?? 'commit', tag: body.tag, tagger, message: body.message ?? '' });
    return { status: 201, body: json.gitTag(ctx.urls, repo, repo.objects.tag(sha) as never) };
  });
  router.add('GET', '/repos/{owner}/{repo}/git/tags/{tag_sha}', (ctx) => {
    const repo = ctx.repo();
    const tag = repo.objects.tag(ctx.params.tag_sha as string);
    if (!tag) throw notFound();
    return { status: 200, body: json.gitTag(ctx.urls, repo, tag) };
  });
}

function registerRefRoutes(router: Router): void {
  const refListing = (ctx: RequestContext) => {
    const repo = ctx.repo();
    return { status: 200, body: listRefs(ctx, repo, (ctx.params.ref as string) ?? '') };
  };
  router.add('GET', '/repos/{owner}/{repo}/git/matching-refs/{ref}', refListing, { greedy: true });
  // The pre-2020 listing endpoint that clients (and @octokit/fixtures) still call.
  router.add('GET', '/repos/{owner}/{repo}/git/refs/{ref}', refListing, { greedy: true });
  router.add(
    'GET',
    '/repos/{owner}/{repo}/git/ref/{ref}',
    (ctx) => {
      const repo = ctx.repo();
      const ref = `refs/${ctx.params.ref}`;
      const sha = repo.refs.get(ref);
      if (!sha) throw notFound();
      return { status: 200, body: json.gitRef(ctx.urls, repo, ref, sha) };
    },
    { greedy: true },
  );
  router.add('POST', '/repos/{owner}/{repo}/git/refs', (ctx) => {
    const repo = ctx.repo();
    const identity = requireWrite(repo, ctx.identity, 'contents');
    const body = requireBody<{ ref?: string; sha?: string }>(ctx);
    if (!body.ref) throw missingField('Reference', 'ref');
    if (!body.ref.startsWith('refs/') || body.ref.split('/').length < 3) throw new HttpError(422, "Reference name must start with 'refs/' and have at least two slashes.");
    if (!body.sha || !repo.objects.has(body.sha)) throw new HttpError(422, 'Object does not exist');
    if (repo.refs.has(body.ref)) throw new HttpError(422, 'Reference already exists');
    setRef(repo, identity, body.ref, body.sha);
    return { status: 201, body: json.gitRef(ctx.urls, repo, body.ref, body.sha) };
  });
  router.add(
    'PATCH',
    '/repos/{owner}/{repo}/git/refs/{ref}',
    (ctx) => {
      const repo = ctx.repo();
      const identity = requireWrite(repo, ctx.identity, 'contents');
      const body = requireBody<{ sha?: string; force?: boolean }>(ctx);
      const ref = `refs/${ctx.params.ref}`;
      if (!repo.refs.has(ref)) throw new HttpError(422, 'Reference does not exist');
      if (!body.sha || !repo.objects.has(body.sha)) throw new HttpError(422, 'Object does not exist');
      setRef(repo, identity, ref, body.sha, { force: body.force === true });
      return { status: 200, body: json.gitRef(ctx.urls, repo, ref, body.sha) };
    },
    { greedy: true },
  );
  router.add(
    'DELETE',
    '/repos/{owner}/{repo}/git/refs/{ref}',
    (ctx) => {
      const repo = ctx.repo();
      const identity = requireWrite(repo, ctx.identity, 'contents');
      const ref = `refs/${ctx.params.ref}`;
      if (!repo.refs.has(ref)) throw new HttpError(422, 'Reference does not exist');
      setRef(repo, identity, ref, undefined, { force: true });
      return { status: 204 };
    },
    { greedy: true },
  );
}

export type { TreeEntry };
