import { fullName, type Protection, type Repository, type Ruleset, type SandboxState } from './model.js';
import { accountByLogin, nodeId, repoUrl, team, type Urls } from './serialize.js';

export function protection(state: SandboxState, urls: Urls, repo: Repository, branch: string, p: Protection): Record<string, unknown> {
  const url = `${repoUrl(urls, repo)}/branches/${encodeURIComponent(branch)}/protection`;
  const enabled = (value: boolean) => ({ enabled: value });
  const people = (sub: string, lists: { users: string[]; teams: string[]; apps: string[] }) => ({
    url: `${url}/${sub}`,
    users_url: `${url}/${sub}/users`,
    teams_url: `${url}/${sub}/teams`,
    ...(sub === 'restrictions' ? { apps_url: `${url}/${sub}/apps` } : {}),
    users: lists.users.map((login) => accountByLogin(state, urls, login)),
    teams: lists.teams.map((slug) => team(urls, state.team(repo.owner.login, slug))),
    apps: [],
  });
  const result: Record<string, unknown> = { url };
  if (p.requiredStatusChecks) {
    result.required_status_checks = {
      url: `${url}/required_status_checks`,
      strict: p.requiredStatusChecks.strict,
      contexts: p.requiredStatusChecks.contexts,
      contexts_url: `${url}/required_status_checks/contexts`,
      checks: p.requiredStatusChecks.checks,
    };
  }
  if (p.restrictions) result.restrictions = people('restrictions', p.restrictions);
  if (p.requiredPullRequestReviews) {
    const r = p.requiredPullRequestReviews;
    result.required_pull_request_reviews = {
      url: `${url}/required_pull_request_reviews`,
      ...(r.dismissalRestrictions ? { dismissal_restrictions: people('dismissal_restrictions', r.dismissalRestrictions) } : {}),
      ...(r.bypassAllowances ? { bypass_pull_request_allowances: { users: r.bypassAllowances.users.map((l) => accountByLogin(state, urls, l)), teams: [], apps: [] } } : {}),
      dismiss_stale_reviews: r.dismissStaleReviews,
      require_code_owner_reviews: r.requireCodeOwnerReviews,
      required_approving_review_count: r.requiredApprovingReviewCount,
      require_last_push_approval: r.requireLastPushApproval,
    };
  }
  Object.assign(result, {
    required_signatures: { url: `${url}/required_signatures`, enabled: p.requiredSignatures },
    enforce_admins: { url: `${url}/enforce_admins`, enabled: p.enforceAdmins },
    required_linear_history: enabled(p.requiredLinearHistory),
    allow_force_pushes: enabled(p.allowForcePushes),
    allow_deletions: enabled(p.allowDeletions),
    block_creations: enabled(p.blockCreations),
    required_conversation_resolution: enabled(p.requiredConversationResolution),
    lock_branch: enabled(p.lockBranch),
    allow_fork_syncing: enabled(p.allowForkSyncing),
  });
  return result;
}

export function ruleset(urls: Urls, repo: Repository, r: Ruleset, detail: boolean): Record<string, unknown> {
  const url = `${repoUrl(urls, repo)}/rulesets/${r.id}`;
  const base: Record<string, unknown> = {
    id: r.id,
    name: r.name,
    target: r.target,
    source_type: 'Repository',
    source: fullName(repo),
    enforcement: r.enforcement,
    node_id: nodeId('RepositoryRuleset', r.id),
    _links: { self: { href: url }, html: { href: `${urls.html}/${fullName(repo)}/rules/${r.id}` } },
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
  if (!detail) return base;
  return { ...base, bypass_actors: r.bypassActors, current_user_can_bypass: 'never', conditions: r.conditions, rules: r.rules };
}
