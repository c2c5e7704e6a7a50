import { HttpError } from './http.js';
import type { Identity, Repository, Ruleset } from './model.js';

/** Repository role ids as GitHub uses them in ruleset bypass actors. */
const ROLE_IDS: Record<string, number> = { maintain: 2, write: 4, admin: 5 };

function roleOf(repo: Repository, identity: Identity): 'admin' | 'write' | 'read' | undefined {
  if (identity.kind !== 'user') return undefined;
  if (identity.account.login.toLowerCase() === repo.owner.login.toLowerCase()) return 'admin';
  return repo.collaborators.get(identity.account.login.toLowerCase());
}

export function requireAuth(identity: Identity | undefined): Identity {
  if (!identity) throw new HttpError(401, 'Requires authentication');
  return identity;
}

/**
 * Whether an installation token reaches this repository. An App's token reaches the repositories of
 * the account it is installed on (and of those, the ones it was minted for): "Installation access
 * tokens have the permissions ... and repository access granted to the installation"; GITHUB_TOKEN
 * "is limited to the repository that contains your workflow". Outside its scope a write gets
 * 403 "Resource not accessible by integration", as an App installed on a fork gets upstream.
 * https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-an-installation-access-token-for-a-github-app
 * https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication#permissions-for-the-github_token
 */
export function inScope(repo: Repository, identity: Identity): boolean {
  const scope = identity.scope;
  if (!scope || identity.kind === 'user') return true;
  if (scope.owner.toLowerCase() !== repo.owner.login.toLowerCase()) return false;
  return !scope.repositories || scope.repositories.some((name) => name.toLowerCase() === repo.name.toLowerCase());
}

function requireScope(repo: Repository, identity: Identity): void {
  if (!inScope(repo, identity)) throw new HttpError(403, 'Resource not accessible by integration');
}

/**
 * Administration endpoints (protection, rulesets). GITHUB_TOKEN never has Administration;
 * an App needs it granted; a user must be a repository admin — and a non-admin is told 404,
 * as GitHub hides what it will not show.
 */
export function requireAdmin(repo: Repository, who: Identity | undefined): Identity {
  const identity = requireAuth(who);
  if (identity.kind === 'github-actions') throw new HttpError(403, 'Resource not accessible by integration');
  if (identity.kind === 'app') {
    requireScope(repo, identity);
    if (identity.permissions?.administration !== 'write') throw new HttpError(403, 'Resource not accessible by integration');
    return identity;
  }
  if (roleOf(repo, identity) !== 'admin') throw new HttpError(404, 'Not Found');
  return identity;
}

export function canAdministrate(repo: Repository, identity: Identity | undefined): boolean {
  try {
    requireAdmin(repo, identity);
    return true;
  } catch {
    return false;
  }
}

/** Write access of one permission kind (`contents`, `pull_requests`, `issues`, `workflows`). */
export function requireWrite(repo: Repository, who: Identity | undefined, permission: string): Identity {
  const identity = requireAuth(who);
  if (identity.kind !== 'user') {
    requireScope(repo, identity);
    if (identity.permissions?.[permission] !== 'write') throw new HttpError(403, 'Resource not accessible by integration');
    return identity;
  }
  const role = roleOf(repo, identity);
  if (role !== 'admin' && role !== 'write') {
    if (repo.private) throw new HttpError(404, 'Not Found');
    throw new HttpError(403, `Permission to ${repo.owner.login}/${repo.name} denied to ${identity.account.login}.`);
  }
  return identity;
}

export function canRead(repo: Repository, identity: Identity | undefined): boolean {
  if (!repo.private) return true;
  if (!identity) return false;
  if (identity.kind !== 'user') return inScope(repo, identity) && (identity.permissions?.contents !== undefined || identity.permissions?.metadata !== undefined);
  return roleOf(repo, identity) !== undefined;
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        source += '.*';
        i++;
      } else source += '[^/]*';
    } else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function patternMatches(repo: Repository, pattern: string, ref: string): boolean {
  if (pattern === '~ALL') return true;
  if (pattern === '~DEFAULT_BRANCH') return ref === `refs/heads/${repo.defaultBranch}`;
  return globToRegExp(pattern).test(ref);
}

export function rulesetApplies(repo: Repository, ruleset: Ruleset, ref: string): boolean {
  if (ruleset.enforcement !== 'active') return false;
  const isBranch = ref.startsWith('refs/heads/');
  if ((ruleset.target === 'branch' && !isBranch) || (ruleset.target === 'tag' && !ref.startsWith('refs/tags/'))) return false;
  const include = ruleset.conditions?.ref_name.include ?? [];
  const exclude = ruleset.conditions?.ref_name.exclude ?? [];
  return include.some((p) => patternMatches(repo, p, ref)) && !exclude.some((p) => patternMatches(repo, p, ref));
}

function canBypass(repo: Repository, ruleset: Ruleset, identity: Identity): boolean {
  return ruleset.bypassActors.some((actor) => {
    if (actor.actor_type === 'Integration') return identity.kind === 'app' && identity.appId === actor.actor_id;
    if (actor.actor_type === 'RepositoryRole') {
      const role = roleOf(repo, identity);
      return role !== undefined && actor.actor_id !== null && (ROLE_IDS[role] ?? 0) >= actor.actor_id;
    }
    if (actor.actor_type === 'OrganizationAdmin') return roleOf(repo, identity) === 'admin';
    return false;
  });
}

export interface RefChange {
  ref: string;
  /** Sha before the change; undefined when the ref is created. */
  before: string | undefined;
  /** Sha after; undefined when the ref is deleted. */
  after: string | undefined;
  /** A pull-request merge satisfies `pull_request` rules and required reviews. */
  viaPullRequest?: boolean;
}

const RULE_MESSAGES: Record<string, string> = {
  update: 'Cannot update this protected ref.',
  deletion: 'Cannot delete this protected ref.',
  non_fast_forward: 'Cannot force-push to this branch',
  creation: 'Cannot create ref due to creations being restricted.',
  pull_request: 'Changes must be made through a pull request.',
};

/**
 * Refuses a ref change that classic protection or an active ruleset forbids, with the status
 * and message GitHub gives the REST git API. Bypass actors and (for classic protection without
 * enforce_admins) admins pass.
 */
export function checkRefChange(repo: Repository, identity: Identity, change: RefChange): void {
  const fastForward = change.before !== undefined && change.after !== undefined && repo.objects.isAncestor(change.before, change.after);
  const kinds: string[] = [];
  if (change.before === undefined) kinds.push('creation');
  else if (change.after === undefined) kinds.push('deletion');
  else {
    kinds.push('update');
    if (!fastForward) kinds.push('non_fast_forward');
  }

  const violations: string[] = [];
  for (const ruleset of repo.rulesets) {
    if (!rulesetApplies(repo, ruleset, change.ref) || canBypass(repo, ruleset, identity)) continue;
    for (const rule of ruleset.rules) {
      const needsPr = rule.type === 'pull_request' && kinds.includes('update') && !change.viaPullRequest;
      if (kinds.includes(rule.type) || needsPr) {
        const message = RULE_MESSAGES[rule.type];
        if (message && !violations.includes(message)) violations.push(message);
      }
    }
  }
  if (violations.length > 0) throw new HttpError(422, `Repository rule violations found\n\n${violations.join('\n\n')}\n\n`);

  if (!change.ref.startsWith('refs/heads/')) return;
  const branch = change.ref.slice('refs/heads/'.length);
  const protection = repo.protections.get(branch);
  if (!protection) return;
  const adminBypass = !protection.enforceAdmins && roleOf(repo, identity) === 'admin';
  if (adminBypass) return;
  const failed = (reason: string) => new HttpError(422, `Protected branch update failed for ${change.ref}.\n\n${reason}`);
  if (protection.lockBranch && change.before !== undefined) throw failed('Cannot change this locked branch');
  if (kinds.includes('deletion') && !protection.allowDeletions) throw failed('Cannot delete this protected branch');
  if (kinds.includes('non_fast_forward') && !protection.allowForcePushes) throw failed('Cannot force-push to this protected branch');
  if (protection.requiredPullRequestReviews && kinds.includes('update') && !change.viaPullRequest) throw failed('Changes must be made through a pull request.');
}
