import { HttpError, missingField, notFound, paginate, requireBody, validationFailed, type RequestContext, type Router } from '../http.js';
import { fullName, nowIso, type PullRequest, type Repository } from '../model.js';
import * as json from '../serialize.js';
import { pullRequest as pullRequestJson } from '../serialize-pulls.js';
import { refreshPull, setRef, signatureFor, webFlowSignature, WEB_FLOW_SIGNATURE } from '../repo-ops.js';
import { requireWrite } from '../rules.js';

function findPull(ctx: RequestContext, repo: Repository): PullRequest {
  const pr = repo.pulls.find((p) => p.number === Number(ctx.params.pull_number));
  if (!pr) throw notFound();
  return refreshPull(ctx.state, repo, pr);
}

/** Objects a fork PR needs live in the fork; the base repository must see them to merge. */
function copyObjects(from: Repository, to: Repository): void {
  if (from.objects === to.objects) return;
  for (const [, object] of from.objects.entries()) to.objects.put(object.type, object.data);
}

export function registerPullRoutes(router: Router): void {
  router.add('POST', '/repos/{owner}/{repo}/pulls', (ctx) => {
    const repo = ctx.repo();
    const body = requireBody<{ title?: string; head?: string; head_repo?: string; base?: string; body?: string; draft?: boolean; maintainer_can_modify?: boolean }>(ctx);
    if (!body.head) throw missingField('PullRequest', 'head');
    if (!body.base) throw missingField('PullRequest', 'base');
    if (!body.title) throw missingField('PullRequest', 'title');
    const [headOwner, headRef] = body.head.includes(':') ? (body.head.split(':', 2) as [string, string]) : [repo.owner.login, body.head];
    const headRepo = body.head_repo
      ? ctx.state.repo(body.head_repo)
      : headOwner.toLowerCase() === repo.owner.login.toLowerCase()
        ? repo
        : [...ctx.state.repos.values()].find((r) => r.owner.login.toLowerCase() === headOwner.toLowerCase() && r.fork === fullName(repo));
    const headSha = headRepo?.refs.get(`refs/heads/${headRef}`);
    // Anyone who can push to a fork may open a pull request from it against a public repository.
    const identity =
      headRepo && headRepo !== repo && !repo.private && ctx.identity?.kind === 'user' ? requireWrite(headRepo, ctx.identity, 'contents') : requireWrite(repo, ctx.identity, 'pull_requests');
    if (!headRepo || !headSha) throw validationFailed([{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
    const baseSha = repo.refs.get(`refs/heads/${body.base}`);
    if (!baseSha) throw validationFailed([{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
    const duplicate = repo.pulls.find((p) => p.state === 'open' && p.headRef === headRef && p.headRepo === fullName(headRepo) && p.baseRef === body.base);
    if (duplicate) throw validationFailed([{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${headOwner}:${headRef}.` }]);
    copyObjects(headRepo, repo);
    if (repo.objects.isAncestor(headSha, baseSha)) throw validationFailed([{ resource: 'PullRequest', code: 'custom', message: `No commits between ${body.base} and ${headRef}` }]);
    const now = nowIso();
    const pr: PullRequest = {
      id: ctx.state.id(),
      number: repo.nextNumber++,
      title: body.title,
      body: body.body ?? null,
      state: 'open',
      draft: body.draft === true,
      user: identity.account.login,
      headRef,
      headRepo: fullName(headRepo),
      headSha,
      baseRef: body.base,
      baseSha,
      labels: [],
      milestone: null,
      mergedAt: null,
      mergeCommitSha: null,
      mergedBy: null,
      closedAt: null,
      createdAt: now,
      updatedAt: now,
      requestedReviewers: [],
      requestedTeams: [],
      maintainerCanModify: body.maintainer_can_modify ?? true,
    };
    repo.pulls.push(pr);
    return { status: 201, body: pullRequestJson(ctx.state, ctx.urls, repo, pr, true) };
  });

  router.add('GET', '/repos/{owner}/{repo}/pulls', (ctx) => {
    const repo = ctx.repo();
    const state = ctx.query.get('state') ?? 'open';
    const head = ctx.query.get('head');
    const base = ctx.query.get('base');
    let list = repo.pulls.map((p) => refreshPull(ctx.state, repo, p)).filter((p) => state === 'all' || p.state === state);
    if (head) {
      const [owner, ref] = head.includes(':') ? (head.split(':', 2) as [string, string]) : [repo.owner.login, head];
      list = list.filter((p) => p.headRef === ref && p.headRepo.split('/')[0]?.toLowerCase() === owner.toLowerCase());
    }
    if (base) list = list.filter((p) => p.baseRef === base);
    const sort = ctx.query.get('sort') ?? 'created';
    const key = (p: PullRequest) => (sort === 'updated' ? p.updatedAt : p.createdAt) + String(p.number).padStart(9, '0');
    list.sort((a, b) => (key(a) < key(b) ? 1 : -1));
    if ((ctx.query.get('direction') ?? 'desc') === 'asc') list.reverse();
    const page = paginate(ctx, list, `/repos/${fullName(repo)}/pulls`);
    return { status: 200, body: page.items.map((p) => pullRequestJson(ctx.state, ctx.urls, repo, p, false)), headers: page.headers };
  });
  router.add('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', (ctx) => {
    const repo = ctx.repo();
    return { status: 200, body: pullRequestJson(ctx.state, ctx.urls, repo, findPull(ctx, repo), true) };
  });
  router.add('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/commits', (ctx) => {
    const repo = ctx.repo();
    const pr = findPull(ctx, repo);
    const commits = repo.objects.log(pr.headSha, [pr.baseSha]).reverse();
    const page = paginate(ctx, commits, `/repos/${fullName(repo)}/pulls/${pr.number}/commits`);
    return { status: 200, body: page.items.map((c) => json.restCommit(ctx.state, ctx.urls, repo, c)), headers: page.headers };
  });
  router.add('PATCH', '/repos/{owner}/{repo}/pulls/{pull_number}', (ctx) => {
    const repo = ctx.repo();
    const pr = findPull(ctx, repo);
    // The author of a pull request may edit it without any role on the repository.
    if (!(ctx.identity?.kind === 'user' && ctx.identity.account.login.toLowerCase() === pr.user.toLowerCase())) requireWrite(repo, ctx.identity, 'pull_requests');
    const body = requireBody<{ title?: string; body?: string; state?: 'open' | 'closed'; base?: string; maintainer_can_modify?: boolean }>(ctx);
    if (body.title !== undefined) pr.title = body.title;
    if (body.body !== undefined) pr.body = body.body;
    if (body.base !== undefined) {
      if (!repo.refs.has(`refs/heads/${body.base}`)) throw validationFailed([{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
      pr.baseRef = body.base;
    }
    if (body.state !== undefined && pr.mergedAt === null) {
      pr.state = body.state;
      pr.closedAt = body.state === 'closed' ? nowIso() : null;
    }
    if (body.maintainer_can_modify !== undefined) pr.maintainerCanModify = body.maintainer_can_modify;
    pr.updatedAt = nowIso();
    return { status: 200, body: pullRequestJson(ctx.state, ctx.urls, repo, refreshPull(ctx.state, repo, pr), true) };
  });
  router.add('POST', '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', (ctx) => {
    const repo = ctx.repo();
    requireWrite(repo, ctx.identity, 'pull_requests');
    const pr = findPull(ctx, repo);
    const body = requireBody<{ reviewers?: string[]; team_reviewers?: string[] }>(ctx);
    for (const login of body.reviewers ?? []) {
      if (login.toLowerCase() === pr.user.toLowerCase()) throw validationFailed([], 'Review cannot be requested from pull request author.');
      if (!pr.requestedReviewers.includes(login)) pr.requestedReviewers.push(login);
    }
    for (const slug of body.team_reviewers ?? []) if (!pr.requestedTeams.includes(slug)) pr.requestedTeams.push(slug);
    return { status: 201, body: pullRequestJson(ctx.state, ctx.urls, repo, pr, false) };
  });
  router.add('PUT', '/repos/{owner}/{repo}/pulls/{pull_number}/merge', (ctx) => {
    const repo = ctx.repo();
    const identity = requireWrite(repo, ctx.identity, 'contents');
    const pr = findPull(ctx, repo);
    const body = (ctx.body ?? {}) as { merge_method?: 'merge' | 'squash' | 'rebase'; commit_title?: string; commit_message?: string; sha?: string };
    if (pr.state !== 'open') throw new HttpError(405, 'Pull Request is not mergeable');
    if (body.sha && body.sha !== pr.headSha) throw new HttpError(409, 'Head branch was modified. Review and try the merge again.');
    copyObjects(ctx.state.repo(pr.headRepo) ?? repo, repo);
    const head = repo.objects.commit(pr.headSha);
    if (!head) throw new HttpError(405, 'Pull Request is not mergeable');
    const method = body.merge_method ?? 'merge';
    const now = Math.floor(Date.now() / 1000);
    const title = body.commit_title ?? (method === 'squash' ? `${pr.title} (#${pr.number})` : `Merge pull request #${pr.number} from ${pr.headRepo.split('/')[0]}/${pr.headRef}`);
    const message = `${title}\n\n${body.commit_message ?? (method === 'squash' ? '' : pr.title)}`.trimEnd() + '\n';
    const sha = repo.objects.putCommit({
      tree: head.tree,
      parents: method === 'squash' || method === 'rebase' ? [pr.baseSha] : [pr.baseSha, pr.headSha],
      author: method === 'merge' ? signatureFor(identity, now) : head.author,
      committer: webFlowSignature(now),
      message,
      signature: WEB_FLOW_SIGNATURE,
    });
    setRef(repo, identity, `refs/heads/${pr.baseRef}`, sha, { viaPullRequest: true });
    const stamp = nowIso();
    Object.assign(pr, { state: 'closed', mergedAt: stamp, closedAt: stamp, updatedAt: stamp, mergeCommitSha: sha, mergedBy: identity.account.login });
    return { status: 200, body: { sha, merged: true, message: 'Pull Request successfully merged' } };
  });
}
