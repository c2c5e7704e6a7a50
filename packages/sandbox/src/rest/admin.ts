import { HttpError, missingField, notFound, paginate, requireBody, validationFailed, type Router } from '../http.js';
import { fullName, nowIso, type BypassActor, type Protection, type Ruleset, type RulesetRule } from '../model.js';
import { protection as protectionJson, ruleset as rulesetJson } from '../serialize-rules.js';
import { requireAdmin, rulesetApplies } from '../rules.js';

/** The GitHub Actions app: what GITHUB_TOKEN authenticates as. It can never bypass a ruleset. */
export const GITHUB_ACTIONS_APP_ID = 15368;

const RULE_TYPES = new Set([
  'creation',
  'update',
  'deletion',
  'non_fast_forward',
  'required_linear_history',
  'required_signatures',
  'pull_request',
  'required_status_checks',
  'required_deployments',
  'merge_queue',
  'commit_message_pattern',
  'commit_author_email_pattern',
  'committer_email_pattern',
  'branch_name_pattern',
  'tag_name_pattern',
]);
const ENFORCEMENTS: readonly string[] = ['active', 'disabled', 'evaluate'] satisfies Ruleset['enforcement'][];
const TARGETS: readonly string[] = ['branch', 'tag', 'push'] satisfies Ruleset['target'][];
const ACTOR_TYPES: readonly string[] = ['Integration', 'OrganizationAdmin', 'RepositoryRole', 'Team', 'DeployKey'] satisfies BypassActor['actor_type'][];
const oneOf = <T extends string>(allowed: readonly string[], value: string | undefined): value is T => value !== undefined && allowed.includes(value);

type PeopleInput = { users?: string[]; teams?: string[]; apps?: string[] } | null | undefined;
const people = (input: PeopleInput) => (input ? { users: input.users ?? [], teams: input.teams ?? [], apps: input.apps ?? [] } : null);

/** PUT branch protection's body (docs.github.com/rest/branches/branch-protection#update-branch-protection). */
export interface ProtectionBody extends Record<string, unknown> {
  required_status_checks?: { strict?: boolean; contexts?: string[]; checks?: { context: string; app_id?: number | null }[] } | null;
  enforce_admins?: boolean | null;
  required_pull_request_reviews?: {
    dismiss_stale_reviews?: boolean;
    require_code_owner_reviews?: boolean;
    required_approving_review_count?: number;
    require_last_push_approval?: boolean;
    dismissal_restrictions?: PeopleInput;
    bypass_pull_request_allowances?: PeopleInput;
  } | null;
  restrictions?: PeopleInput;
}

/** A ruleset's body (docs.github.com/rest/repos/rules#create-a-repository-ruleset); PUT may omit any field. */
export interface RulesetBody extends Record<string, unknown> {
  name?: string;
  enforcement?: string;
  target?: string;
  rules?: RulesetRule[];
  bypass_actors?: Partial<BypassActor>[];
  conditions?: { ref_name?: { include?: string[]; exclude?: string[] } } | null;
}

export function parseProtection(body: ProtectionBody): Protection {
  for (const field of ['required_status_checks', 'enforce_admins', 'required_pull_request_reviews', 'restrictions']) {
    if (!(field in body)) throw new HttpError(422, `Invalid request.\n\n"${field}" wasn't supplied.`);
  }
  const checks = body.required_status_checks;
  const reviews = body.required_pull_request_reviews;
  return {
    requiredStatusChecks: checks
      ? {
          strict: Boolean(checks.strict),
          contexts: checks.contexts ?? (checks.checks ?? []).map((c) => c.context),
          checks: (checks.checks ?? (checks.contexts ?? []).map((context) => ({ context, app_id: null }))).map((c) => ({ context: c.context, app_id: c.app_id ?? null })),
        }
      : null,
    enforceAdmins: body.enforce_admins === true,
    requiredPullRequestReviews: reviews
      ? {
          dismissStaleReviews: Boolean(reviews.dismiss_stale_reviews),
          requireCodeOwnerReviews: Boolean(reviews.require_code_owner_reviews),
          requiredApprovingReviewCount: reviews.required_approving_review_count ?? 1,
          requireLastPushApproval: Boolean(reviews.require_last_push_approval),
          dismissalRestrictions: people(reviews.dismissal_restrictions),
          bypassAllowances: people(reviews.bypass_pull_request_allowances),
        }
      : null,
    restrictions: people(body.restrictions),
    requiredLinearHistory: body.required_linear_history === true,
    allowForcePushes: body.allow_force_pushes === true,
    allowDeletions: body.allow_deletions === true,
    blockCreations: body.block_creations === true,
    requiredConversationResolution: body.required_conversation_resolution === true,
    lockBranch: body.lock_branch === true,
    allowForkSyncing: body.allow_fork_syncing === true,
    requiredSignatures: false,
  };
}

export function parseRuleset(body: RulesetBody, existing: Ruleset | undefined, others: Ruleset[]): Omit<Ruleset, 'id' | 'createdAt' | 'updatedAt'> {
  const name = body.name ?? existing?.name;
  if (!name) throw missingField('Ruleset', 'name');
  if (others.some((r) => r.name === name && r.id !== existing?.id)) throw validationFailed([], 'Validation Failed: Name must be unique');
  const enforcement = body.enforcement ?? existing?.enforcement;
  if (!oneOf<Ruleset['enforcement']>(ENFORCEMENTS, enforcement))
    throw new HttpError(422, `Invalid property /enforcement: \`${enforcement}\` is not a possible value. Must be one of the following: disabled, active, evaluate.`);
  const target = body.target ?? existing?.target ?? 'branch';
  if (!oneOf<Ruleset['target']>(TARGETS, target)) throw new HttpError(422, `Invalid property /target: \`${target}\` is not a possible value.`);
  const rules: RulesetRule[] = body.rules ?? existing?.rules ?? [];
  for (const rule of rules) if (!RULE_TYPES.has(rule.type)) throw new HttpError(422, `Invalid property /rules: data matches no possible input (unknown rule type \`${rule.type}\`).`);
  const bypassActors: BypassActor[] = (body.bypass_actors ?? existing?.bypassActors ?? []).map((a) => {
    if (!oneOf<BypassActor['actor_type']>(ACTOR_TYPES, a.actor_type)) throw new HttpError(422, `Invalid property /bypass_actors/0/actor_type: \`${a.actor_type}\` is not a possible value.`);
    return { actor_id: a.actor_id ?? null, actor_type: a.actor_type, bypass_mode: a.bypass_mode ?? 'always' };
  });
  for (const actor of bypassActors) {
    if (actor.actor_type === 'Integration' && actor.actor_id === GITHUB_ACTIONS_APP_ID) {
      throw validationFailed([], 'Validation Failed: Actor GitHub Actions integration must be part of the ruleset source or owner organization');
    }
  }
  const conditions = body.conditions ?? existing?.conditions ?? null;
  const refName = conditions?.ref_name ? { include: conditions.ref_name.include ?? [], exclude: conditions.ref_name.exclude ?? [] } : null;
  return { name, target, enforcement, rules, bypassActors, conditions: refName ? { ref_name: refName } : null };
}

export function registerAdminRoutes(router: Router): void {
  router.add('GET', '/repos/{owner}/{repo}/branches/{branch}/protection', (ctx) => {
    const repo = ctx.repo();
    requireAdmin(repo, ctx.identity);
    const branch = ctx.params.branch as string;
    const protection = repo.protections.get(branch);
    if (!protection) throw new HttpError(404, 'Branch not protected', { documentation_url: 'https://docs.github.com/rest/branches/branch-protection#get-branch-protection' });
    return { status: 200, body: protectionJson(ctx.state, ctx.urls, repo, branch, protection) };
  });
  router.add('PUT', '/repos/{owner}/{repo}/branches/{branch}/protection', (ctx) => {
    const repo = ctx.repo();
    requireAdmin(repo, ctx.identity);
    const branch = ctx.params.branch as string;
    if (!repo.refs.has(`refs/heads/${branch}`)) throw new HttpError(404, 'Branch not found');
    // required_signatures has its own endpoint: a PUT of the rest leaves it as it was.
    const protection = { ...parseProtection(requireBody(ctx)), requiredSignatures: repo.protections.get(branch)?.requiredSignatures ?? false };
    repo.protections.set(branch, protection);
    return { status: 200, body: protectionJson(ctx.state, ctx.urls, repo, branch, protection) };
  });
  router.add('DELETE', '/repos/{owner}/{repo}/branches/{branch}/protection', (ctx) => {
    const repo = ctx.repo();
    requireAdmin(repo, ctx.identity);
    const branch = ctx.params.branch as string;
    if (!repo.protections.delete(branch)) throw new HttpError(404, 'Branch not protected');
    return { status: 204 };
  });

  router.add('GET', '/repos/{owner}/{repo}/rulesets', (ctx) => {
    const repo = ctx.repo();
    const page = paginate(ctx, repo.rulesets, `/repos/${fullName(repo)}/rulesets`);
    return { status: 200, body: page.items.map((r) => rulesetJson(ctx.urls, repo, r, false)), headers: page.headers };
  });
  router.add('GET', '/repos/{owner}/{repo}/rulesets/{ruleset_id}', (ctx) => {
    const repo = ctx.repo();
    const found = repo.rulesets.find((r) => r.id === Number(ctx.params.ruleset_id));
    if (!found) throw notFound();
    return { status: 200, body: rulesetJson(ctx.urls, repo, found, true) };
  });
  router.add('POST', '/repos/{owner}/{repo}/rulesets', (ctx) => {
    const repo = ctx.repo();
    requireAdmin(repo, ctx.identity);
    const parsed = parseRuleset(requireBody(ctx), undefined, repo.rulesets);
    const now = nowIso();
    const created: Ruleset = { id: ctx.state.id(), ...parsed, createdAt: now, updatedAt: now };
    repo.rulesets.push(created);
    return { status: 201, body: rulesetJson(ctx.urls, repo, created, true) };
  });
  router.add('PUT', '/repos/{owner}/{repo}/rulesets/{ruleset_id}', (ctx) => {
    const repo = ctx.repo();
    requireAdmin(repo, ctx.identity);
    const index = repo.rulesets.findIndex((r) => r.id === Number(ctx.params.ruleset_id));
    const existing = repo.rulesets[index];
    if (!existing) throw notFound();
    const updated: Ruleset = { ...existing, ...parseRuleset(requireBody(ctx), existing, repo.rulesets), updatedAt: nowIso() };
    repo.rulesets[index] = updated;
    return { status: 200, body: rulesetJson(ctx.urls, repo, updated, true) };
  });
  router.add('DELETE', '/repos/{owner}/{repo}/rulesets/{ruleset_id}', (ctx) => {
    const repo = ctx.repo();
    requireAdmin(repo, ctx.identity);
    const before = repo.rulesets.length;
    repo.rulesets = repo.rulesets.filter((r) => r.id !== Number(ctx.params.ruleset_id));
    if (repo.rulesets.length === before) throw notFound();
    return { status: 204 };
  });
  router.add(
    'GET',
    '/repos/{owner}/{repo}/rules/branches/{branch}',
    (ctx) => {
      const repo = ctx.repo();
      const ref = `refs/heads/${ctx.params.branch}`;
      const rules = repo.rulesets
        .filter((r) => rulesetApplies(repo, r, ref))
        .flatMap((r) => r.rules.map((rule) => ({ ...rule, ruleset_source_type: 'Repository', ruleset_source: fullName(repo), ruleset_id: r.id })));
      return { status: 200, body: rules };
    },
    { greedy: true },
  );
}
