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

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON from the wire; each field is checked where it is read.
type Get = Record<string, any>;

const enabled = (value: unknown): boolean => Boolean((value as { enabled?: boolean } | undefined)?.enabled);

function people(value: Get | undefined): { users: string[]; teams: string[]; apps: string[] } {
  return {
    users: (value?.users ?? []).map((u: { login: string }) => u.login),
    teams: (value?.teams ?? []).map((t: { slug: string }) => t.slug),
    apps: (value?.apps ?? []).map((a: { slug: string }) => a.slug),
  };
}

export function protectionGetToPut(get: Get): ProtectionPut {
  const checks = get.required_status_checks;
  const reviews = get.required_pull_request_reviews;
  return {
    required_status_checks: checks
      ? {
          strict: Boolean(checks.strict),
          // `checks` carries the app ids `contexts` would lose; GitHub takes one or the other.
          checks: (checks.checks ?? (checks.contexts ?? []).map((context: string) => ({ context, app_id: null }))).map((c: { context: string; app_id: number | null }) => ({ context: c.context, app_id: c.app_id ?? null })),
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
