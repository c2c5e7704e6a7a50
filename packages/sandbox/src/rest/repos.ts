import { HttpError, missingField, notFound, paginate, requireBody, validationFailed, type RequestContext, type Router } from '../http.js';
import { fullName, nowIso, type Repository } from '../model.js';
import * as json from '../serialize.js';
import { pullRequest as pullRequestJson } from '../serialize-pulls.js';
import { changedPaths, commitFiles, resolveCommitish, setRef } from '../repo-ops.js';
import { canAdministrate, requireAuth, requireWrite } from '../rules.js';

function branchSummary(ctx: RequestContext, repo: Repository, name: string, sha: string): Record<string, unknown> {
  const protectedBranch = repo.protections.has(name) || repo.rulesets.some((r) => r.enforcement === 'active' && r.target === 'branch');
  return { name, commit: { sha, url: `${json.repoUrl(ctx.urls, repo)}/commits/${sha}` }, protected: protectedBranch };
}

function branchDetail(ctx: RequestContext, repo: Repository, name: string, sha: string): Record<string, unknown> {
  const commit = repo.objects.commit(sha);
  if (!commit) throw notFound();
  const url = `${json.repoUrl(ctx.urls, repo)}/branches/${encodeURIComponent(name)}`;
  const protection = repo.protections.get(name);
  return {
    name,
    commit: json.restCommit(ctx.state, ctx.urls, repo, commit),
    _links: { self: url, html: `${ctx.urls.html}/${repo.owner.login}/${repo.name}/tree/${name}` },
    protected: branchSummary(ctx, repo, name, sha).protected,
    protection: {
      enabled: protection !== undefined,
      required_status_checks: {
        enforcement_level: protection?.requiredStatusChecks ? (protection.enforceAdmins ? 'everyone' : 'non_admins') : 'off',
        contexts: protection?.requiredStatusChecks?.contexts ?? [],
        checks: protection?.requiredStatusChecks?.checks ?? [],
      },
    },
    protection_url: `${url}/protection`,
  };
}

function fileContent(ctx: RequestContext, repo: Repository, path: string, sha: string, ref: string): Record<string, unknown> {
  const data = repo.objects.blob(sha) ?? Buffer.alloc(0);
  const url = `${json.repoUrl(ctx.urls, repo)}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const gitUrl = `${json.repoUrl(ctx.urls, repo)}/git/blobs/${sha}`;
  const htmlUrl = `${ctx.urls.html}/${repo.owner.login}/${repo.name}/blob/${ref}/${path}`;
  return {
    type: 'file',
    encoding: 'base64',
    size: data.length,
    name: path.split('/').pop(),
    path,
    content: (data.toString('base64').match(/.{1,60}/g) ?? []).join('\n'),
    sha,
    url,
    git_url: gitUrl,
    html_url: htmlUrl,
    download_url: `${ctx.urls.html}/raw/${repo.owner.login}/${repo.name}/${ref}/${path}`,
    _links: { self: url, git: gitUrl, html: htmlUrl },
  };
}

/**
 * `GET …/compare/BASE...HEAD` as GitHub documents it: without `per_page`/`page` the newest 250
 * commits; paged, the commits page by page and the changed files (at most 300) on the first page only.
 * https://docs.github.com/rest/commits/commits#compare-two-commits
 */
function compare(ctx: RequestContext, repo: Repository, base: string, head: string): { body: Record<string, unknown>; headers: Record<string, string> } {
  const baseSha = resolveCommitish(repo, base);
  const headSha = resolveCommitish(repo, head);
  if (!baseSha || !headSha) throw notFound();
  const mergeBase = repo.objects.mergeBase(baseSha, headSha);
  const ahead = repo.objects.log(headSha, [baseSha]).reverse();
  const behind = repo.objects.log(baseSha, [headSha]);
  const status = ahead.length === 0 && behind.length === 0 ? 'identical' : behind.length === 0 ? 'ahead' : ahead.length === 0 ? 'behind' : 'diverged';
  const paged = ctx.query.has('per_page') || ctx.query.has('page');
  const { items, headers } = paged ? paginate(ctx, ahead, `/repos/${fullName(repo)}/compare/${base}...${head}`) : { items: ahead.slice(-250), headers: {} };
  const firstPage = !paged || Number(ctx.query.get('page') ?? 1) <= 1;
  const baseCommit = repo.objects.commit(baseSha);
  const mergeBaseCommit = mergeBase ? repo.objects.commit(mergeBase) : undefined;
  const headCommit = repo.objects.commit(headSha);
  const files =
    firstPage && mergeBaseCommit && headCommit
      ? changedPaths(repo, mergeBaseCommit.tree, headCommit.tree)
          .slice(0, 300)
          .map((f) => json.diffEntry(ctx.urls, repo, f, headSha))
      : [];
  const html = `${ctx.urls.html}/${repo.owner.login}/${repo.name}/compare/${base}...${head}`;
  const body = {
    url: `${json.repoUrl(ctx.urls, repo)}/compare/${base}...${head}`,
    html_url: html,
    permalink_url: `${ctx.urls.html}/${repo.owner.login}/${repo.name}/compare/${baseSha}...${headSha}`,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    base_commit: baseCommit ? json.restCommit(ctx.state, ctx.urls, repo, baseCommit) : null,
    merge_base_commit: mergeBaseCommit ? json.restCommit(ctx.state, ctx.urls, repo, mergeBaseCommit) : baseCommit ? json.restCommit(ctx.state, ctx.urls, repo, baseCommit) : null,
    status,
    ahead_by: ahead.length,
    behind_by: behind.length,
    total_commits: ahead.length,
    commits: items.map((c) => json.restCommit(ctx.state, ctx.urls, repo, c)),
    files,
  };
  return { body, headers };
}

const HEX_COLOR = /^[0-9a-fA-F]{6}$/;

/** Accounts, the repository, its branches and tags. */
function registerRepositoryRoutes(router: Router): void {
  router.add('GET', '/user', (ctx) => ({ status: 200, body: json.account(ctx.urls, requireAuth(ctx.identity).account) }));
  router.add('GET', '/users/{username}', (ctx) => {
    const a = ctx.state.findAccount(ctx.params.username as string);
    if (!a) throw notFound();
    return { status: 200, body: json.account(ctx.urls, a) };
  });

  router.add('GET', '/repos/{owner}/{repo}', (ctx) => {
    const repo = ctx.repo();
    const admin = canAdministrate(repo, ctx.identity);
    const parent = repo.fork ? ctx.state.repo(repo.fork) : undefined;
    let source = parent;
    while (source?.fork && ctx.state.repo(source.fork)) source = ctx.state.repo(source.fork);
    return {
      status: 200,
      body: json.repository(ctx.urls, repo, {
        permissions: { admin, maintain: admin, push: admin || ctx.identity !== undefined, triage: true, pull: true },
        ...(parent && source ? { parent: json.repository(ctx.urls, parent), source: json.repository(ctx.urls, source) } : {}),
      }),
    };
  });

  router.add('GET', '/repos/{owner}/{repo}/branches', (ctx) => {
    const repo = ctx.repo();
    const branches = [...repo.refs].filter(([ref]) => ref.startsWith('refs/heads/')).map(([ref, sha]) => branchSummary(ctx, repo, ref.slice(11), sha));
    branches.sort((a, b) => (String(a.name) < String(b.name) ? -1 : 1));
    const page = paginate(ctx, branches, `/repos/${repo.owner.login}/${repo.name}/branches`);
    return { status: 200, body: page.items, headers: page.headers };
  });
  router.add('GET', '/repos/{owner}/{repo}/branches/{branch}', (ctx) => {
    const repo = ctx.repo();
    const sha = repo.refs.get(`refs/heads/${ctx.params.branch}`);
    if (!sha) throw new HttpError(404, 'Branch not found');
    return { status: 200, body: branchDetail(ctx, repo, ctx.params.branch as string, sha) };
  });

  router.add('GET', '/repos/{owner}/{repo}/tags', (ctx) => {
    const repo = ctx.repo();
    const tags = [...repo.refs]
      .filter(([ref]) => ref.startsWith('refs/tags/'))
      .map(([ref, sha]) => {
        const name = ref.slice(10);
        const commit = repo.objects.peel(sha);
        return {
          name,
          commit: { sha: commit, url: `${json.repoUrl(ctx.urls, repo)}/commits/${commit}` },
          zipball_url: `${json.repoUrl(ctx.urls, repo)}/zipball/refs/tags/${name}`,
          tarball_url: `${json.repoUrl(ctx.urls, repo)}/tarball/refs/tags/${name}`,
          node_id: json.nodeId('Ref', `${repo.id}:${ref}`),
        };
      })
      .sort((a, b) => (a.name < b.name ? 1 : -1));
    const page = paginate(ctx, tags, `/repos/${repo.owner.login}/${repo.name}/tags`);
    return { status: 200, body: page.items, headers: page.headers };
  });
}

/** Commits, a commit's pull requests, and compare. */
function registerHistoryRoutes(router: Router): void {
  router.add('GET', '/repos/{owner}/{repo}/commits', (ctx) => {
    const repo = ctx.repo();
    const start = ctx.query.get('sha') ?? repo.defaultBranch;
    const head = resolveCommitish(repo, start);
    if (!head) throw notFound();
    const path = ctx.query.get('path');
    const since = ctx.query.get('since');
    const until = ctx.query.get('until');
    let commits = repo.objects.log(head);
    if (path) {
      commits = commits.filter((c) => {
        const mine = repo.objects.entryAt(c.tree, path)?.sha;
        const parent = c.parents[0] ? repo.objects.commit(c.parents[0]) : undefined;
        return mine !== (parent ? repo.objects.entryAt(parent.tree, path)?.sha : undefined);
      });
    }
    if (since) commits = commits.filter((c) => c.committer.time * 1000 >= Date.parse(since));
    if (until) commits = commits.filter((c) => c.committer.time * 1000 <= Date.parse(until));
    const page = paginate(ctx, commits, `/repos/${repo.owner.login}/${repo.name}/commits`);
    return { status: 200, body: page.items.map((c) => json.restCommit(ctx.state, ctx.urls, repo, c)), headers: page.headers };
  });
  router.add('GET', '/repos/{owner}/{repo}/commits/{ref}', (ctx) => {
    const repo = ctx.repo();
    const sha = resolveCommitish(repo, ctx.params.ref as string);
    const commit = sha ? repo.objects.commit(sha) : undefined;
    if (!commit) throw new HttpError(422, `No commit found for SHA: ${ctx.params.ref}`);
    const parent = commit.parents[0] ? repo.objects.commit(commit.parents[0]) : undefined;
    const files = changedPaths(repo, parent?.tree, commit.tree).map((f) => json.diffEntry(ctx.urls, repo, f, commit.sha));
    return { status: 200, body: json.restCommit(ctx.state, ctx.urls, repo, commit, { stats: { additions: 0, deletions: 0, total: 0 }, files }) };
  });
  router.add('GET', '/repos/{owner}/{repo}/commits/{commit_sha}/pulls', (ctx) => {
    const repo = ctx.repo();
    const sha = resolveCommitish(repo, ctx.params.commit_sha as string);
    if (!sha) throw new HttpError(422, `No commit found for SHA: ${ctx.params.commit_sha}`);
    // GitHub lists merged PRs whose merge commit is this sha, and open PRs containing it.
    const pulls = repo.pulls.filter((p) => p.mergeCommitSha === sha || (p.state === 'open' && repo.objects.isAncestor(sha, p.headSha) && !repo.objects.isAncestor(sha, p.baseSha)));
    return { status: 200, body: pulls.map((p) => pullRequestJson(ctx.state, ctx.urls, repo, p, false)) };
  });

  router.add('GET', '/repos/{owner}/{repo}/compare/{basehead}', (ctx) => {
    const repo = ctx.repo();
    const [base, head] = (ctx.params.basehead as string).split('...');
    if (!base || !head) throw notFound();
    const { body, headers } = compare(ctx, repo, base, head);
    return { status: 200, body, headers };
  });
}

/** The contents API: a file or directory at a ref (raw or as JSON), and writing one file. */
function registerContentRoutes(router: Router): void {
  router.add(
    'GET',
    '/repos/{owner}/{repo}/contents/{path}',
    (ctx) => {
      const repo = ctx.repo();
      const ref = ctx.query.get('ref') ?? repo.defaultBranch;
      const sha = resolveCommitish(repo, ref);
      if (!sha) throw new HttpError(404, `No commit found for the ref ${ref}`);
      const commit = repo.objects.commit(sha);
      const path = (ctx.params.path as string).replace(/\/+$/, '');
      const entry = commit ? repo.objects.entryAt(commit.tree, path) : undefined;
      if (!entry) throw notFound();
      if (entry.type === 'tree') {
        const listing = (repo.objects.tree(entry.sha) ?? []).map((e) => {
          const childPath = path ? `${path}/${e.name}` : e.name;
          const url = `${json.repoUrl(ctx.urls, repo)}/contents/${childPath}?ref=${encodeURIComponent(ref)}`;
          const type = e.type === 'tree' ? 'dir' : e.type === 'commit' ? 'submodule' : 'file';
          const gitUrl = `${json.repoUrl(ctx.urls, repo)}/git/${e.type === 'tree' ? 'trees' : 'blobs'}/${e.sha}`;
          const htmlUrl = `${ctx.urls.html}/${repo.owner.login}/${repo.name}/${type === 'dir' ? 'tree' : 'blob'}/${ref}/${childPath}`;
          return {
            type,
            size: e.type === 'blob' ? (repo.objects.blob(e.sha)?.length ?? 0) : 0,
            name: e.name,
            path: childPath,
            sha: e.sha,
            url,
            git_url: gitUrl,
            html_url: htmlUrl,
            download_url: type === 'file' ? `${ctx.urls.html}/raw/${repo.owner.login}/${repo.name}/${ref}/${childPath}` : null,
            _links: { self: url, git: gitUrl, html: htmlUrl },
          };
        });
        return { status: 200, body: listing };
      }
      // The raw media type, as asked: Octokit's `mediaType: { format: 'raw' }` sends the v3 form, and
      // release-drafter refuses an answer whose content-type is not `application/vnd.github.v3.raw`.
      const raw = /application\/vnd\.github(\.v3)?\.raw/.exec(ctx.headers.accept ?? '');
      if (raw)
        return {
          status: 200,
          raw: repo.objects.blob(entry.sha) ?? Buffer.alloc(0),
          headers: { 'content-type': `application/vnd.github${raw[1] ?? ''}.raw; charset=utf-8`, 'x-github-media-type': 'github.v3; param=raw' },
        };
      return { status: 200, body: fileContent(ctx, repo, path, entry.sha, ref) };
    },
    { greedy: true },
  );
  router.add(
    'PUT',
    '/repos/{owner}/{repo}/contents/{path}',
    (ctx) => {
      const repo = ctx.repo();
      const identity = requireWrite(repo, ctx.identity, 'contents');
      const body = requireBody<{ message?: string; content?: string; sha?: string; branch?: string }>(ctx);
      if (!body.message) throw missingField('Commit', 'message');
      if (typeof body.content !== 'string') throw missingField('Commit', 'content');
      const branch = body.branch ?? repo.defaultBranch;
      const ref = `refs/heads/${branch}`;
      const parent = repo.refs.get(ref);
      if (!parent && branch !== repo.defaultBranch) throw new HttpError(404, `Branch ${branch} not found`);
      const path = ctx.params.path as string;
      const existing = parent ? repo.objects.entryAt(repo.objects.commit(parent)?.tree ?? '', path) : undefined;
      if (existing && body.sha !== existing.sha) throw new HttpError(409, `${path} does not match ${body.sha ?? ''}`.trim());
      if (!existing && body.sha) throw new HttpError(409, `${path} does not match ${body.sha}`);
      const sha = commitFiles(repo, identity, parent, body.message, [{ path, content: Buffer.from(body.content, 'base64') }], { signed: false });
      setRef(repo, identity, ref, sha);
      const commit = repo.objects.commit(sha);
      const blobSha = repo.objects.entryAt(commit?.tree ?? '', path)?.sha ?? '';
      return {
        status: existing ? 200 : 201,
        body: { content: fileContent(ctx, repo, path, blobSha, branch), commit: commit ? json.gitCommit(ctx.urls, repo, commit) : null },
      };
    },
    { greedy: true },
  );
}

/** Labels on the repository and on issues and pull requests, and milestones. */
function registerLabelRoutes(router: Router): void {
  router.add('GET', '/repos/{owner}/{repo}/labels', (ctx) => {
    const repo = ctx.repo();
    const page = paginate(ctx, repo.labels, `/repos/${repo.owner.login}/${repo.name}/labels`);
    return { status: 200, body: page.items.map((l) => json.label(ctx.urls, repo, l)), headers: page.headers };
  });
  router.add('GET', '/repos/{owner}/{repo}/labels/{name}', (ctx) => {
    const repo = ctx.repo();
    const found = repo.labels.find((l) => l.name.toLowerCase() === (ctx.params.name as string).toLowerCase());
    if (!found) throw notFound();
    return { status: 200, body: json.label(ctx.urls, repo, found) };
  });
  router.add('POST', '/repos/{owner}/{repo}/labels', (ctx) => {
    const repo = ctx.repo();
    requireWrite(repo, ctx.identity, 'issues');
    const body = requireBody<{ name?: string; color?: string; description?: string }>(ctx);
    if (!body.name) throw missingField('Label', 'name');
    const color = (body.color ?? 'ededed').replace(/^#/, '');
    if (!HEX_COLOR.test(color))
      throw new HttpError(422, 'Validation Failed', {
        errors: [{ resource: 'Label', code: 'invalid', field: 'color' }],
        documentation_url: 'https://docs.github.com/rest/reference/issues#create-a-label',
      });
    if (repo.labels.some((l) => l.name.toLowerCase() === body.name?.toLowerCase())) throw validationFailed([{ resource: 'Label', code: 'already_exists', field: 'name' }]);
    const created = { id: ctx.state.id(), name: body.name, color: color.toLowerCase(), description: body.description ?? null, default: false };
    repo.labels.push(created);
    return { status: 201, body: json.label(ctx.urls, repo, created) };
  });
  const ensureLabel = (ctx: RequestContext, repo: Repository, name: string) => {
    if (!repo.labels.some((l) => l.name === name)) repo.labels.push({ id: ctx.state.id(), name, color: 'ededed', description: null, default: false });
  };
  const issueLabels = (ctx: RequestContext, repo: Repository) => {
    const number = Number(ctx.params.issue_number);
    const item = repo.pulls.find((p) => p.number === number) ?? repo.issues.find((i) => i.number === number);
    if (!item) throw notFound();
    return item;
  };
  router.add('GET', '/repos/{owner}/{repo}/issues/{issue_number}/labels', (ctx) => {
    const repo = ctx.repo();
    const pr = issueLabels(ctx, repo);
    return { status: 200, body: pr.labels.map((name) => json.label(ctx.urls, repo, repo.labels.find((l) => l.name === name) as never)) };
  });
  router.add('POST', '/repos/{owner}/{repo}/issues/{issue_number}/labels', (ctx) => {
    const repo = ctx.repo();
    requireWrite(repo, ctx.identity, 'issues');
    const pr = issueLabels(ctx, repo);
    const body = ctx.body as { labels?: (string | { name: string })[] } | (string | { name: string })[];
    const names = (Array.isArray(body) ? body : (body?.labels ?? [])).map((l) => (typeof l === 'string' ? l : l.name));
    for (const name of names) {
      ensureLabel(ctx, repo, name);
      if (!pr.labels.includes(name)) pr.labels.push(name);
    }
    pr.updatedAt = nowIso();
    return { status: 200, body: pr.labels.map((name) => json.label(ctx.urls, repo, repo.labels.find((l) => l.name === name) as never)) };
  });
  router.add('DELETE', '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}', (ctx) => {
    const repo = ctx.repo();
    requireWrite(repo, ctx.identity, 'issues');
    const pr = issueLabels(ctx, repo);
    if (!pr.labels.includes(ctx.params.name as string)) throw new HttpError(404, 'Label does not exist');
    pr.labels = pr.labels.filter((l) => l !== ctx.params.name);
    return { status: 200, body: pr.labels.map((name) => json.label(ctx.urls, repo, repo.labels.find((l) => l.name === name) as never)) };
  });

  router.add('GET', '/repos/{owner}/{repo}/milestones', (ctx) => {
    const repo = ctx.repo();
    const state = ctx.query.get('state') ?? 'open';
    const list = repo.milestones.filter((m) => state === 'all' || m.state === state);
    return { status: 200, body: list.map((m) => json.milestone(ctx.state, ctx.urls, repo, m)) };
  });
  router.add('POST', '/repos/{owner}/{repo}/milestones', (ctx) => {
    const repo = ctx.repo();
    requireWrite(repo, ctx.identity, 'issues');
    const body = requireBody<{ title?: string; description?: string; state?: 'open' | 'closed'; due_on?: string }>(ctx);
    if (!body.title) throw missingField('Milestone', 'title');
    if (repo.milestones.some((m) => m.title === body.title)) throw validationFailed([{ resource: 'Milestone', code: 'already_exists', field: 'title' }]);
    const now = nowIso();
    const m = {
      id: ctx.state.id(),
      number: repo.milestones.length + 1,
      title: body.title,
      description: body.description ?? null,
      state: body.state ?? 'open',
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      dueOn: body.due_on ?? null,
    };
    repo.milestones.push(m);
    return { status: 201, body: json.milestone(ctx.state, ctx.urls, repo, m) };
  });
}

export function registerRepoRoutes(router: Router): void {
  registerRepositoryRoutes(router);
  registerHistoryRoutes(router);
  registerContentRoutes(router);
  registerLabelRoutes(router);
}
