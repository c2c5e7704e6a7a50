import { HttpError, missingField, notFound, paginate, requireBody, validationFailed, type RequestContext, type Router } from '../http.js';
import { fullName, nowIso, type CommitStatus, type Issue, type Repository } from '../model.js';
import { canRead, requireAuth, requireWrite } from '../rules.js';
import * as json from '../serialize.js';
import { commitStatus, isPull, issue, issueComment, type IssueLike } from '../serialize-issues.js';
import { changedPaths, resolveCommitish } from '../repo-ops.js';

/**
 * Issues, comments, assignees, collaborator permission, commit statuses and a pull request's
 * files and reviews: what release tools (release-drafter, release-please, create-pull-request)
 * call around a release. docs.github.com/rest/issues, /rest/collaborators, /rest/commits/statuses,
 * /rest/pulls.
 */
function find(repo: Repository, number: number): IssueLike {
  const found = repo.pulls.find((p) => p.number === number) ?? repo.issues.find((i) => i.number === number);
  if (!found) throw notFound();
  return found;
}

/** Whom an issue may be assigned to: the owner and collaborators; anyone else is silently dropped, as GitHub does. */
function assignable(repo: Repository, login: string): boolean {
  return login.toLowerCase() === repo.owner.login.toLowerCase() || [...repo.collaborators.keys()].some((c) => c.toLowerCase() === login.toLowerCase());
}

function permissionOf(repo: Repository, login: string): 'admin' | 'write' | 'read' | 'none' {
  if (login.toLowerCase() === repo.owner.login.toLowerCase()) return 'admin';
  const role = [...repo.collaborators].find(([name]) => name.toLowerCase() === login.toLowerCase())?.[1];
  if (role === 'admin') return 'admin';
  if (role === 'write') return 'write';
  if (role === 'read') return 'read';
  return repo.private ? 'none' : 'read';
}

function applyEdits(ctx: RequestContext, repo: Repository, item: IssueLike, body: Record<string, unknown>): void {
  if (typeof body.title === 'string') item.title = body.title;
  if ('body' in body) item.body = typeof body.body === 'string' ? body.body : null;
  if (Array.isArray(body.labels)) item.labels = (body.labels as Array<string | { name: string }>).map((l) => (typeof l === 'string' ? l : l.name));
  for (const name of item.labels) if (!repo.labels.some((l) => l.name === name)) repo.labels.push({ id: ctx.state.id(), name, color: 'ededed', description: null, default: false });
  const assignees = Array.isArray(body.assignees) ? (body.assignees as string[]) : typeof body.assignee === 'string' ? [body.assignee] : undefined;
  if (assignees) item.assignees = assignees.filter((login) => assignable(repo, login));
  if ('milestone' in body) {
    const number = body.milestone === null ? null : Number(body.milestone);
    if (number !== null && !repo.milestones.some((m) => m.number === number)) throw validationFailed([{ resource: 'Issue', code: 'invalid', field: 'milestone' }]);
    item.milestone = number;
  }
  if (body.state === 'open' || body.state === 'closed') {
    if (item.state !== body.state) item.closedAt = body.state === 'closed' ? nowIso() : null;
    if (!isPull(item)) item.stateReason = body.state === 'closed' ? ((body.state_reason as Issue['stateReason']) ?? 'completed') : item.state === 'closed' ? 'reopened' : item.stateReason;
    item.state = body.state;
  }
  item.updatedAt = nowIso();
}

export function registerIssueRoutes(router: Router): void {
  registerIssueCrud(router);
  registerCommentRoutes(router);
  registerAssigneeRoutes(router);
  registerStatusRoutes(router);
  registerPullFileRoutes(router);
}

/** Issues: list, create, read, edit (a pull request is edited as an issue too). */
function registerIssueCrud(router: Router): void {
  router.add('GET', '/repos/{owner}/{repo}/issues', (ctx) => {
    const repo = ctx.repo();
    const state = ctx.query.get('state') ?? 'open';
    const labels = (ctx.query.get('labels') ?? '').split(',').filter(Boolean);
    const items = [...repo.issues, ...repo.pulls]
      .filter((i) => state === 'all' || i.state === state)
      .filter((i) => labels.every((l) => i.labels.includes(l)))
      .sort((a, b) => b.number - a.number);
    const page = paginate(ctx, items, `/repos/${fullName(repo)}/issues`);
    return { status: 200, body: page.items.map((i) => issue(ctx.state, ctx.urls, repo, i)), headers: page.headers };
  });
  router.add('POST', '/repos/{owner}/{repo}/issues', (ctx) => {
    const repo = ctx.repo();
    const identity = requireWrite(repo, ctx.identity, 'issues');
    const body = requireBody<Record<string, unknown>>(ctx);
    if (typeof body.title !== 'string' || body.title === '') throw missingField('Issue', 'title');
    const now = nowIso();
    const created: Issue = {
      id: ctx.state.id(),
      number: repo.nextNumber++,
      title: body.title,
      body: null,
      state: 'open',
      stateReason: null,
      user: identity.account.login,
      labels: [],
      assignees: [],
      milestone: null,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
    };
    applyEdits(ctx, repo, created, { ...body, state: undefined });
    repo.issues.push(created);
    return { status: 201, body: issue(ctx.state, ctx.urls, repo, created) };
  });
  router.add('GET', '/repos/{owner}/{repo}/issues/{issue_number}', (ctx) => {
    const repo = ctx.repo();
    return { status: 200, body: issue(ctx.state, ctx.urls, repo, find(repo, Number(ctx.params.issue_number))) };
  });
  router.add('PATCH', '/repos/{owner}/{repo}/issues/{issue_number}', (ctx) => {
    const repo = ctx.repo();
    requireWrite(repo, ctx.identity, 'issues');
    const item = find(repo, Number(ctx.params.issue_number));
    applyEdits(ctx, repo, item, requireBody<Record<string, unknown>>(ctx));
    return { status: 200, body: issue(ctx.state, ctx.urls, repo, item) };
  });
}

/** Comments on issues and pull requests. */
function registerCommentRoutes(router: Router): void {
  router.add('GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments', (ctx) => {
    const repo = ctx.repo();
    const item = find(repo, Number(ctx.params.issue_number));
    const page = paginate(
      ctx,
      repo.comments.filter((c) => c.issueNumber === item.number),
      `/repos/${fullName(repo)}/issues/${item.number}/comments`,
    );
    return { status: 200, body: page.items.map((c) => issueComment(ctx.state, ctx.urls, repo, c)), headers: page.headers };
  });
  router.add('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', (ctx) => {
    const repo = ctx.repo();
    const identity = requireWrite(repo, ctx.identity, 'issues');
    const item = find(repo, Number(ctx.params.issue_number));
    const body = requireBody<{ body?: unknown }>(ctx);
    if (typeof body.body !== 'string' || body.body === '') throw missingField('IssueComment', 'body');
    const now = nowIso();
    const comment = { id: ctx.state.id(), issueNumber: item.number, body: body.body, user: identity.account.login, createdAt: now, updatedAt: now };
    repo.comments.push(comment);
    return { status: 201, body: issueComment(ctx.state, ctx.urls, repo, comment) };
  });
  router.add('PATCH', '/repos/{owner}/{repo}/issues/comments/{comment_id}', (ctx) => {
    const repo = ctx.repo();
    requireWrite(repo, ctx.identity, 'issues');
    const comment = repo.comments.find((c) => c.id === Number(ctx.params.comment_id));
    if (!comment) throw notFound();
    const body = requireBody<{ body?: unknown }>(ctx);
    if (typeof body.body !== 'string') throw missingField('IssueComment', 'body');
    comment.body = body.body;
    comment.updatedAt = nowIso();
    return { status: 200, body: issueComment(ctx.state, ctx.urls, repo, comment) };
  });
}

/** Assignees, and what a collaborator may do. */
function registerAssigneeRoutes(router: Router): void {
  router.add('POST', '/repos/{owner}/{repo}/issues/{issue_number}/assignees', (ctx) => {
    const repo = ctx.repo();
    requireWrite(repo, ctx.identity, 'issues');
    const item = find(repo, Number(ctx.params.issue_number));
    const wanted = requireBody<{ assignees?: string[] }>(ctx).assignees ?? [];
    item.assignees = [...new Set([...(item.assignees ?? []), ...wanted.filter((login) => assignable(repo, login))])].slice(0, 10);
    item.updatedAt = nowIso();
    return { status: 201, body: issue(ctx.state, ctx.urls, repo, item) };
  });
  router.add('DELETE', '/repos/{owner}/{repo}/issues/{issue_number}/assignees', (ctx) => {
    const repo = ctx.repo();
    requireWrite(repo, ctx.identity, 'issues');
    const item = find(repo, Number(ctx.params.issue_number));
    const gone = new Set(requireBody<{ assignees?: string[] }>(ctx).assignees ?? []);
    item.assignees = (item.assignees ?? []).filter((login) => !gone.has(login));
    return { status: 200, body: issue(ctx.state, ctx.urls, repo, item) };
  });
  router.add('GET', '/repos/{owner}/{repo}/assignees', (ctx) => {
    const repo = ctx.repo();
    const logins = [repo.owner.login, ...[...repo.collaborators.keys()].filter((l) => l !== repo.owner.login)];
    const page = paginate(ctx, logins, `/repos/${fullName(repo)}/assignees`);
    return { status: 200, body: page.items.map((login) => json.accountByLogin(ctx.state, ctx.urls, login)), headers: page.headers };
  });
  router.add('GET', '/repos/{owner}/{repo}/assignees/{assignee}', (ctx) => {
    const repo = ctx.repo();
    if (!assignable(repo, ctx.params.assignee as string)) throw notFound();
    return { status: 204 };
  });
  router.add('GET', '/repos/{owner}/{repo}/collaborators/{username}/permission', (ctx) => {
    const repo = ctx.repo();
    requireAuth(ctx.identity);
    const login = ctx.params.username as string;
    const account = ctx.state.findAccount(login);
    if (!account) throw notFound();
    const permission = permissionOf(repo, login);
    const user = { ...json.account(ctx.urls, account), role_name: permission === 'none' ? 'read' : permission };
    return { status: 200, body: { permission, role_name: user.role_name, user } };
  });
}

/** Commit statuses and the combined status of a ref. */
function registerStatusRoutes(router: Router): void {
  router.add('POST', '/repos/{owner}/{repo}/statuses/{sha}', (ctx) => {
    const repo = ctx.repo();
    const identity = requireWrite(repo, ctx.identity, 'statuses');
    const sha = ctx.params.sha as string;
    if (!repo.objects.commit(sha)) throw validationFailed([], `No commit found for SHA: ${sha}`);
    const body = requireBody<{ state?: string; context?: string; description?: string; target_url?: string }>(ctx);
    if (body.state !== 'error' && body.state !== 'failure' && body.state !== 'pending' && body.state !== 'success') throw validationFailed([{ resource: 'Status', code: 'custom', field: 'state' }]);
    const now = nowIso();
    const status: CommitStatus = {
      id: ctx.state.id(),
      sha,
      state: body.state,
      context: body.context ?? 'default',
      description: body.description ?? null,
      targetUrl: body.target_url ?? null,
      creator: identity.account.login,
      createdAt: now,
      updatedAt: now,
    };
    repo.statuses.push(status);
    return { status: 201, body: commitStatus(ctx.state, ctx.urls, repo, status) };
  });
  router.add('GET', '/repos/{owner}/{repo}/commits/{ref}/status', (ctx) => {
    const repo = ctx.repo();
    const sha = resolveCommitish(repo, ctx.params.ref as string);
    if (!sha) throw notFound();
    // The combined status: the newest status of each context.
    const latest = new Map<string, (typeof repo.statuses)[number]>();
    for (const s of repo.statuses.filter((s) => s.sha === sha)) latest.set(s.context, s);
    const statuses = [...latest.values()];
    const state = statuses.some((s) => s.state === 'failure' || s.state === 'error') ? 'failure' : statuses.length > 0 && statuses.every((s) => s.state === 'success') ? 'success' : 'pending';
    const url = `${json.repoUrl(ctx.urls, repo)}/commits/${sha}/status`;
    return {
      status: 200,
      body: {
        state,
        statuses: statuses.map((s) => commitStatus(ctx.state, ctx.urls, repo, s)),
        sha,
        total_count: statuses.length,
        repository: json.repository(ctx.urls, repo),
        commit_url: `${json.repoUrl(ctx.urls, repo)}/commits/${sha}`,
        url,
      },
    };
  });
}

/** A pull request's files and reviews. */
function registerPullFileRoutes(router: Router): void {
  router.add('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/files', (ctx) => {
    const repo = ctx.repo();
    const pull = repo.pulls.find((p) => p.number === Number(ctx.params.pull_number));
    if (!pull) throw notFound();
    const base = repo.objects.mergeBase(pull.baseSha, pull.headSha) ?? pull.baseSha;
    const head = repo.objects.commit(pull.headSha);
    if (!head) throw notFound();
    const changes = changedPaths(repo, repo.objects.commit(base)?.tree, head.tree);
    const page = paginate(ctx, changes, `/repos/${fullName(repo)}/pulls/${pull.number}/files`);
    const files = page.items.map((c) => json.diffEntry(ctx.urls, repo, c, pull.headSha));
    return { status: 200, body: files, headers: page.headers };
  });
  router.add('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', (ctx) => {
    const repo = ctx.repo();
    if (!repo.pulls.some((p) => p.number === Number(ctx.params.pull_number))) throw notFound();
    // The sandbox models no reviews: an honest empty list, as for a pull request nobody reviewed.
    return { status: 200, body: [] };
  });
}

/** `GET /search/issues`: the qualifiers release tools send (repo, is, label, head, base, author, in:title). */
export function registerSearchRoutes(router: Router): void {
  router.add('GET', '/search/issues', (ctx) => {
    const q = ctx.query.get('q');
    if (!q) throw validationFailed([{ resource: 'Search', field: 'q', code: 'missing' }]);
    const terms = q.match(/(?:[^\s"]+:"[^"]*"|"[^"]*"|\S+)/g) ?? [];
    const qualifiers = terms.map((t) => /^(-?)([a-z-]+):"?([^"]*)"?$/.exec(t)).filter((m): m is RegExpExecArray => m !== null);
    const words = terms.filter((t) => !/^-?[a-z-]+:/.test(t)).map((t) => t.replace(/"/g, '').toLowerCase());
    const repos = qualifiers.filter((m) => m[2] === 'repo').map((m) => ctx.state.repo(m[3] ?? ''));
    if (repos.length === 0 || repos.some((r) => !r))
      throw new HttpError(422, 'Validation Failed', {
        errors: [
          {
            message: 'The listed users and repositories cannot be searched either because the resources do not exist or you do not have permission to view them.',
            resource: 'Search',
            field: 'q',
            code: 'invalid',
          },
        ],
      });
    const items: Array<{ repo: Repository; item: IssueLike }> = [];
    for (const repo of repos as Repository[]) {
      if (!canRead(repo, ctx.identity)) continue;
      for (const item of [...repo.pulls, ...repo.issues]) {
        const keep = qualifiers.every((m) => {
          const [, not, key, value = ''] = m;
          const hit = ((): boolean => {
            switch (key) {
              case 'repo':
                return true;
              case 'is':
              case 'type':
                return value === 'pr'
                  ? isPull(item)
                  : value === 'issue'
                    ? !isPull(item)
                    : value === 'open' || value === 'closed'
                      ? item.state === value
                      : value === 'merged'
                        ? isPull(item) && item.mergedAt !== null
                        : value === 'unmerged'
                          ? isPull(item) && item.mergedAt === null
                          : true;
              case 'state':
                return item.state === value;
              case 'label':
                return item.labels.includes(value);
              case 'author':
                return item.user.toLowerCase() === value.toLowerCase();
              case 'head':
                return isPull(item) && item.headRef === value;
              case 'base':
                return isPull(item) && item.baseRef === value;
              case 'in':
                return true;
              default:
                return true;
            }
          })();
          return not ? !hit : hit;
        });
        if (keep && words.every((w) => item.title.toLowerCase().includes(w) || (item.body ?? '').toLowerCase().includes(w))) items.push({ repo, item });
      }
    }
    items.sort((a, b) => (b.item.createdAt < a.item.createdAt ? -1 : 1));
    const page = paginate(ctx, items, '/search/issues');
    return {
      status: 200,
      body: { total_count: items.length, incomplete_results: false, items: page.items.map(({ repo, item }) => ({ ...issue(ctx.state, ctx.urls, repo, item), score: 1 })) },
      headers: page.headers,
    };
  });
}
