import { fullName, type CommitStatus, type Issue, type IssueComment, type Label, type PullRequest, type Repository, type SandboxState } from './model.js';
import { accountByLogin, label, milestone, nodeId, repoUrl, type Urls } from './serialize.js';

/** An issue or a pull request as an issue: what the issue routes take and answer. */
export type IssueLike = Issue | PullRequest;

export const isPull = (item: IssueLike): item is PullRequest => 'headRef' in item;

function association(repo: Repository, login: string): string {
  if (login === repo.owner.login) return 'OWNER';
  if (repo.collaborators.has(login)) return 'COLLABORATOR';
  return repo.pulls.some((p) => p.user === login && p.mergedAt !== null) ? 'CONTRIBUTOR' : 'NONE';
}

/** The issue schema of GitHub's OpenAPI description; a pull request carries `pull_request` links. */
export function issue(state: SandboxState, urls: Urls, repo: Repository, item: IssueLike): Record<string, unknown> {
  const url = `${repoUrl(urls, repo)}/issues/${item.number}`;
  const html = `${urls.html}/${fullName(repo)}/${isPull(item) ? 'pull' : 'issues'}/${item.number}`;
  const assignees = (item.assignees ?? []).map((login) => accountByLogin(state, urls, login));
  const milestoneRecord = item.milestone === null ? undefined : repo.milestones.find((m) => m.number === item.milestone);
  return {
    id: item.id,
    node_id: nodeId(isPull(item) ? 'PullRequest' : 'Issue', item.id),
    url,
    repository_url: repoUrl(urls, repo),
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: html,
    number: item.number,
    state: item.state,
    state_reason: isPull(item) ? null : item.stateReason,
    title: item.title,
    body: item.body,
    user: accountByLogin(state, urls, item.user),
    labels: item.labels
      .map((name) => repo.labels.find((l) => l.name === name))
      .filter((l): l is Label => l !== undefined)
      .map((l) => label(urls, repo, l)),
    assignee: assignees[0] ?? null,
    assignees,
    milestone: milestoneRecord ? milestone(state, urls, repo, milestoneRecord) : null,
    locked: false,
    active_lock_reason: null,
    comments: repo.comments.filter((c) => c.issueNumber === item.number).length,
    closed_at: item.closedAt,
    created_at: item.createdAt,
    updated_at: item.updatedAt,
    author_association: association(repo, item.user),
    ...(isPull(item)
      ? {
          draft: item.draft,
          pull_request: { url: `${repoUrl(urls, repo)}/pulls/${item.number}`, html_url: html, diff_url: `${html}.diff`, patch_url: `${html}.patch`, merged_at: item.mergedAt },
        }
      : {}),
  };
}

export function issueComment(state: SandboxState, urls: Urls, repo: Repository, comment: IssueComment): Record<string, unknown> {
  const item = repo.pulls.find((p) => p.number === comment.issueNumber);
  return {
    id: comment.id,
    node_id: nodeId('IssueComment', comment.id),
    url: `${repoUrl(urls, repo)}/issues/comments/${comment.id}`,
    html_url: `${urls.html}/${fullName(repo)}/${item ? 'pull' : 'issues'}/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${repoUrl(urls, repo)}/issues/${comment.issueNumber}`,
    body: comment.body,
    user: accountByLogin(state, urls, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: association(repo, comment.user),
  };
}

export function commitStatus(state: SandboxState, urls: Urls, repo: Repository, status: CommitStatus): Record<string, unknown> {
  return {
    url: `${repoUrl(urls, repo)}/statuses/${status.sha}`,
    avatar_url: null,
    id: status.id,
    node_id: nodeId('StatusContext', status.id),
    state: status.state,
    description: status.description,
    target_url: status.targetUrl,
    context: status.context,
    created_at: status.createdAt,
    updated_at: status.updatedAt,
    creator: accountByLogin(state, urls, status.creator),
  };
}
