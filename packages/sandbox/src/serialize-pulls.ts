import { fullName, type Label, type PullRequest, type Repository, type SandboxState } from './model.js';
import { account, accountByLogin, label, milestone, nodeId, repository, repoUrl, team, type Urls } from './serialize.js';

function prRef(state: SandboxState, urls: Urls, repo: Repository | undefined, ref: string, sha: string): Record<string, unknown> {
  return {
    label: repo ? `${repo.owner.login}:${ref}` : ref,
    ref,
    sha,
    user: repo ? account(urls, repo.owner) : null,
    repo: repo ? repository(urls, repo) : null,
  };
}

export function pullRequest(state: SandboxState, urls: Urls, repo: Repository, pr: PullRequest, full: boolean): Record<string, unknown> {
  const url = `${repoUrl(urls, repo)}/pulls/${pr.number}`;
  const issueUrl = `${repoUrl(urls, repo)}/issues/${pr.number}`;
  const html = `${urls.html}/${fullName(repo)}/pull/${pr.number}`;
  const headRepo = state.repo(pr.headRepo);
  const milestoneRecord = pr.milestone === null ? undefined : repo.milestones.find((m) => m.number === pr.milestone);
  const result: Record<string, unknown> = {
    url,
    id: pr.id,
    node_id: nodeId('PullRequest', pr.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issueUrl,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${repoUrl(urls, repo)}/pulls/comments{/number}`,
    comments_url: `${issueUrl}/comments`,
    statuses_url: `${repoUrl(urls, repo)}/statuses/${pr.headSha}`,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: accountByLogin(state, urls, pr.user),
    body: pr.body,
    labels: pr.labels
      .map((name) => repo.labels.find((l) => l.name === name))
      .filter((l): l is Label => l !== undefined)
      .map((l) => label(urls, repo, l, true)),
    milestone: milestoneRecord ? milestone(state, urls, repo, milestoneRecord) : null,
    active_lock_reason: null,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: pr.closedAt,
    merged_at: pr.mergedAt,
    merge_commit_sha: pr.mergeCommitSha,
    assignee: pr.assignees?.[0] ? accountByLogin(state, urls, pr.assignees[0]) : null,
    assignees: (pr.assignees ?? []).map((login) => accountByLogin(state, urls, login)),
    requested_reviewers: pr.requestedReviewers.map((login) => accountByLogin(state, urls, login)),
    requested_teams: pr.requestedTeams.map((slug) => team(urls, state.team(repo.owner.login, slug))),
    head: prRef(state, urls, headRepo, pr.headRef, pr.headSha),
    base: prRef(state, urls, repo, pr.baseRef, pr.baseSha),
    _links: {
      self: { href: url },
      html: { href: html },
      issue: { href: issueUrl },
      comments: { href: `${issueUrl}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${repoUrl(urls, repo)}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${repoUrl(urls, repo)}/statuses/${pr.headSha}` },
    },
    author_association: pr.user === repo.owner.login ? 'OWNER' : 'CONTRIBUTOR',
    auto_merge: null,
    draft: pr.draft,
  };
  if (full) {
    Object.assign(result, {
      merged: pr.mergedAt !== null,
      mergeable: pr.state === 'open' ? true : null,
      rebaseable: pr.state === 'open' ? true : null,
      mergeable_state: pr.state === 'open' ? 'clean' : 'unknown',
      merged_by: pr.mergedBy ? accountByLogin(state, urls, pr.mergedBy) : null,
      comments: 0,
      review_comments: 0,
      maintainer_can_modify: pr.maintainerCanModify,
      commits: repo.objects.log(pr.headSha, [pr.baseSha]).length,
      additions: 0,
      deletions: 0,
      changed_files: 0,
    });
  }
  return result;
}
