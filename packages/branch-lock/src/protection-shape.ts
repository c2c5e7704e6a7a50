/**
 * Classic branch protection comes out of GET in one shape and goes into PUT in another. This
 * converts GET → PUT without losing a setting, so a lock and unlock round-trip is exact.
 */
export type ProtectionPut = Record<string, unknown> & {
  required_status_checks: { strict: boolean; checks: { context: string; app_id: number | null }[] } | null;
  enforce_admins: boolean;
  required_pull_request_reviews: Record<string, unknown> | null;
  restrictions: { users: string[]; teams: string[]; apps: string[] } | null;
  lock_branch: boolean;
};

type Toggle = { enabled?: boolean } | null | undefined;
type Named = { login?: string; slug?: string } | null;
type PeopleGet = { users?: Named[]; teams?: Named[]; apps?: Named[] | null } | null | undefined;
const names = (list: Named[] | null | undefined, key: 'login' | 'slug'): string[] => (list ?? []).flatMap((n) => (n?.[key] ? [n[key]] : []));

/** What GET branch protection answers (docs.github.com/rest/branches/branch-protection#get-branch-protection); every field may be absent. */
export interface ProtectionGet {
  required_status_checks?: { strict?: boolean; contexts?: string[]; checks?: { context: string; app_id: number | null }[] } | null;
  enforce_admins?: Toggle;
  required_pull_request_reviews?: {
    dismiss_stale_reviews?: boolean;
    require_code_owner_reviews?: boolean;
    required_approving_review_count?: number;
    require_last_push_approval?: boolean;
    dismissal_restrictions?: PeopleGet;
    bypass_pull_request_allowances?: PeopleGet;
  } | null;
  restrictions?: PeopleGet;
  required_linear_history?: Toggle;
  allow_force_pushes?: Toggle;
  allow_deletions?: Toggle;
  block_creations?: Toggle;
  required_conversation_resolution?: Toggle;
  lock_branch?: Toggle;
  allow_fork_syncing?: Toggle;
}

const enabled = (value: Toggle): boolean => Boolean(value?.enabled);

function people(value: PeopleGet): { users: string[]; teams: string[]; apps: string[] } {
  return {
    users: names(value?.users, 'login'),
    teams: names(value?.teams, 'slug'),
    apps: names(value?.apps, 'slug'),
  };
}

export function protectionGetToPut(get: ProtectionGet): ProtectionPut {
  const checks = get.required_status_checks;
  const reviews = get.required_pull_request_reviews;
  return {
    required_status_checks: checks
      ? {
          strict: Boolean(checks.strict),
          // `checks` carries the app ids `contexts` would lose; GitHub takes one or the other.
          checks: (checks.checks ?? (checks.contexts ?? []).map((context) => ({ context, app_id: null }))).map((c) => ({ context: c.context, app_id: c.app_id ?? null })),
        }
      : null,
    enforce_admins: enabled(get.enforce_admins),
    required_pull_request_reviews: reviews
      ? {
          dismiss_stale_reviews: Boolean(reviews.dismiss_stale_reviews),
          require_code_owner_reviews: Boolean(reviews.require_code_owner_reviews),
          required_approving_review_count: reviews.required_approving_review_count ?? 1,
          require_last_push_approval: Boolean(reviews.require_last_push_approval),
          ...(reviews.dismissal_restrictions ? { dismissal_restrictions: people(reviews.dismissal_restrictions) } : {}),
          ...(reviews.bypass_pull_request_allowances ? { bypass_pull_request_allowances: people(reviews.bypass_pull_request_allowances) } : {}),
        }
      : null,
    restrictions: get.restrictions ? people(get.restrictions) : null,
    required_linear_history: enabled(get.required_linear_history),
    allow_force_pushes: enabled(get.allow_force_pushes),
    allow_deletions: enabled(get.allow_deletions),
    block_creations: enabled(get.block_creations),
    required_conversation_resolution: enabled(get.required_conversation_resolution),
    lock_branch: enabled(get.lock_branch),
    allow_fork_syncing: enabled(get.allow_fork_syncing),
  };
}

/** The least protection that still locks: what an unprotected branch gets, and loses again on unlock. */
export function minimalLock(): ProtectionPut {
  return { required_status_checks: null, enforce_admins: true, required_pull_request_reviews: null, restrictions: null, lock_branch: true, allow_force_pushes: false, allow_deletions: false };
}
