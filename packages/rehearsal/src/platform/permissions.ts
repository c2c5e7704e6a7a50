/**
 * What a job's GITHUB_TOKEN may do. "You can use permissions either as a top-level key, to apply to
 * all jobs in the workflow, or within specific jobs ... If you specify the access for any of these
 * permissions, all of those that are not specified are set to none."
 * https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/controlling-permissions-for-github_token
 * A called workflow gets at most what the calling job has: "The GITHUB_TOKEN permissions passed from
 * the caller workflow can be only downgraded (not elevated) by the called workflow."
 * https://docs.github.com/en/actions/sharing-automations/reusing-workflows#access-and-permissions-for-nested-workflows
 */
export type Permissions = Record<string, 'read' | 'write'>;

const SCOPES = [
  'actions',
  'attestations',
  'checks',
  'contents',
  'deployments',
  'discussions',
  'id-token',
  'issues',
  'models',
  'packages',
  'pages',
  'pull-requests',
  'repository-projects',
  'security-events',
  'statuses',
];

/**
 * The token a job gets when neither it nor its workflow says: the "restricted" default GitHub gives
 * new organisations and repositories ("Read repository contents and packages permissions").
 * https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/enabling-features-for-your-repository/managing-github-actions-settings-for-a-repository#setting-the-permissions-of-the-github_token-for-your-repository
 */
export const DEFAULT_PERMISSIONS: Permissions = { contents: 'read', packages: 'read' };

/** A `permissions:` value (`read-all`, `write-all`, `{}` or a mapping); undefined when absent. */
export function parsePermissions(value: unknown): Permissions | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'read-all' || value === 'write-all')
    return Object.fromEntries(SCOPES.filter((s) => s !== 'id-token' || value === 'write-all').map((s) => [s, value === 'read-all' ? 'read' : 'write']));
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`permissions: ${JSON.stringify(value)} is not read-all, write-all or a mapping of scopes`);
  const permissions: Permissions = {};
  for (const [scope, level] of Object.entries(value as Record<string, unknown>)) {
    if (!SCOPES.includes(scope)) throw new Error(`permissions: ${scope} is not a GITHUB_TOKEN permission (${SCOPES.join(', ')})`);
    if (level === 'read' || level === 'write') permissions[scope] = level;
    else if (level !== 'none') throw new Error(`permissions: ${scope}: ${String(level)} is not read, write or none`);
  }
  return permissions;
}

/** The job's own (or else its workflow's, else the default) permissions, cut down to what the caller allows. */
export function effectivePermissions(job: Permissions | undefined, workflow: Permissions | undefined, cap: Permissions | undefined): Permissions {
  const declared = job ?? workflow ?? DEFAULT_PERMISSIONS;
  if (!cap) return { ...declared };
  const effective: Permissions = {};
  for (const [scope, level] of Object.entries(declared)) {
    const allowed = cap[scope];
    if (allowed === 'write') effective[scope] = level;
    else if (allowed === 'read') effective[scope] = 'read';
  }
  return effective;
}

const RANK = { none: 0, read: 1, write: 2 } as const;

/**
 * The first scope a called workflow's job asks for beyond what the calling job grants. GitHub
 * refuses the whole run before any job starts ("The nested job 'build' is requesting 'packages:
 * write', but is only allowed 'packages: read'"), whatever the job's `if:` says; a job that declares
 * nothing (nor does its workflow) takes what it is given and asks for nothing.
 * https://docs.github.com/en/actions/reference/workflows-and-actions/reusing-workflow-configurations#access-and-permissions-for-nested-workflows
 */
export function nestedPermissionExcess(
  jobs: Array<{ id: string; declared: Permissions | undefined }>,
  cap: Permissions,
): { job: string; scope: string; level: 'read' | 'write'; allowed: 'none' | 'read' | 'write' } | undefined {
  for (const { id, declared } of jobs) {
    for (const [scope, level] of Object.entries(declared ?? {})) {
      const allowed = cap[scope] ?? 'none';
      if (RANK[level] > RANK[allowed]) return { job: id, scope, level, allowed };
    }
  }
  return undefined;
}

/** The names the REST API uses for the scopes (`pull-requests` → `pull_requests`). */
export function apiPermissions(permissions: Permissions): Permissions {
  return Object.fromEntries(Object.entries(permissions).map(([scope, level]) => [scope.replace(/-/g, '_'), level]));
}
