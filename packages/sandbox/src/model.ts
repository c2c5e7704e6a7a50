import { ObjectStore } from './git-objects.js';

export type AccountType = 'User' | 'Organization' | 'Bot';

export interface Account {
  id: number;
  login: string;
  type: AccountType;
  name?: string;
  email?: string;
}

export interface Team {
  id: number;
  slug: string;
  name: string;
  org: string;
  members: string[];
}

export type Permission = 'read' | 'write' | 'admin';

/**
 * Who a token speaks for. `kind` decides GitHub's quirks: `github-actions` is the GITHUB_TOKEN
 * (an installation of the GitHub Actions app that can never hold Administration or be a bypass
 * actor), `app` a GitHub App installation, `user` a PAT whose rights come from repository roles.
 */
export interface Identity {
  token: string;
  kind: 'user' | 'app' | 'github-actions';
  account: Account;
  /** For `app` and `github-actions`: the App id used in ruleset bypass actors. */
  appId?: number;
  appSlug?: string;
  /** For installations: fine-grained permissions, e.g. { contents: 'write', administration: 'write' }. */
  permissions?: Record<string, 'read' | 'write'>;
  /** Requests an hour for this token (GITHUB_TOKEN has 1,000). */
  rateLimit?: number;
  /** A GitHub App's JWT: it may only find installations and mint their tokens. */
  jwt?: boolean;
  /**
   * For installation tokens: the repositories the token may write (and read when private). An App
   * installation reaches the account it is installed on, narrowed to the `repositories` asked for;
   * GITHUB_TOKEN reaches only the repository of its workflow. Unset: every repository (seeded tokens).
   */
  scope?: { owner: string; repositories?: string[] };
}

/** A ref change and who made it: what decides which workflows a push, tag or branch starts. */
export interface Push {
  ref: string;
  before: string | undefined;
  after: string | undefined;
  actor: string;
  kind: Identity['kind'];
  /** Sandbox clock (epoch ms). */
  at: number;
}

export interface Label {
  id: number;
  name: string;
  color: string;
  description: string | null;
  default: boolean;
}

export interface Milestone {
  id: number;
  number: number;
  title: string;
  description: string | null;
  state: 'open' | 'closed';
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  dueOn: string | null;
}

export interface PullRequest {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  draft: boolean;
  user: string;
  headRef: string;
  /** Owner/name of the head repository, for cross-repository PRs from a fork. */
  headRepo: string;
  headSha: string;
  baseRef: string;
  baseSha: string;
  labels: string[];
  milestone: number | null;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  mergedBy: string | null;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
  requestedReviewers: string[];
  requestedTeams: string[];
  maintainerCanModify: boolean;
  assignees?: string[];
}

/** An issue; pull requests are issues too on GitHub, and share its numbers and its issue routes. */
export interface Issue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  stateReason: 'completed' | 'not_planned' | 'reopened' | null;
  user: string;
  labels: string[];
  assignees: string[];
  milestone: number | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface IssueComment {
  id: number;
  issueNumber: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

/** A commit status (docs.github.com/rest/commits/statuses). */
export interface CommitStatus {
  id: number;
  sha: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  context: string;
  description: string | null;
  targetUrl: string | null;
  creator: string;
  createdAt: string;
  updatedAt: string;
}

export interface ReleaseAsset {
  id: number;
  name: string;
  label: string | null;
  contentType: string;
  state: 'uploaded' | 'open' | 'starter';
  data: Buffer;
  uploader: string;
  downloadCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface Release {
  id: number;
  tagName: string;
  targetCommitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  author: string;
  createdAt: string;
  publishedAt: string | null;
  updatedAt: string;
  assets: ReleaseAsset[];
  immutable: boolean;
  discussionCategoryName?: string;
}

/** Classic branch protection, stored in the shape PUT takes (GET renders GitHub's other shape). */
export interface Protection {
  requiredStatusChecks: { strict: boolean; contexts: string[]; checks: { context: string; app_id: number | null }[] } | null;
  enforceAdmins: boolean;
  requiredPullRequestReviews: {
    dismissStaleReviews: boolean;
    requireCodeOwnerReviews: boolean;
    requiredApprovingReviewCount: number;
    requireLastPushApproval: boolean;
    dismissalRestrictions: { users: string[]; teams: string[]; apps: string[] } | null;
    bypassAllowances: { users: string[]; teams: string[]; apps: string[] } | null;
  } | null;
  restrictions: { users: string[]; teams: string[]; apps: string[] } | null;
  requiredLinearHistory: boolean;
  allowForcePushes: boolean;
  allowDeletions: boolean;
  blockCreations: boolean;
  requiredConversationResolution: boolean;
  lockBranch: boolean;
  allowForkSyncing: boolean;
  requiredSignatures: boolean;
}

export interface RulesetRule {
  type: string;
  parameters?: Record<string, unknown>;
}

export interface BypassActor {
  actor_id: number | null;
  actor_type: 'Integration' | 'OrganizationAdmin' | 'RepositoryRole' | 'Team' | 'DeployKey';
  bypass_mode: 'always' | 'pull_request' | 'exempt';
}

export interface Ruleset {
  id: number;
  name: string;
  target: 'branch' | 'tag' | 'push';
  enforcement: 'active' | 'disabled' | 'evaluate';
  conditions: { ref_name: { include: string[]; exclude: string[] } } | null;
  rules: RulesetRule[];
  bypassActors: BypassActor[];
  createdAt: string;
  updatedAt: string;
}

export interface Repository {
  id: number;
  owner: Account;
  name: string;
  description: string | null;
  private: boolean;
  defaultBranch: string;
  createdAt: string;
  updatedAt: string;
  pushedAt: string;
  objects: ObjectStore;
  /** Full ref name (`refs/heads/main`) → sha. */
  refs: Map<string, string>;
  labels: Label[];
  milestones: Milestone[];
  pulls: PullRequest[];
  issues: Issue[];
  comments: IssueComment[];
  statuses: CommitStatus[];
  /** PR and issue numbers share one sequence, as on GitHub. */
  nextNumber: number;
  releases: Release[];
  protections: Map<string, Protection>;
  rulesets: Ruleset[];
  /** login → role; the owner (or an org admin) is admin implicitly. */
  collaborators: Map<string, Permission>;
  /** Immutable releases: tag and assets locked once a release is published. */
  immutableReleases: boolean;
  fork: string | null;
  /** The release GitHub shows as "Latest"; null lets it fall back to the newest published one. */
  latestReleaseId: number | null;
  /** Every ref change since the seed, oldest first. */
  pushes: Push[];
  /** PRs the seed derived from merge and squash commit messages (a git directory has no PRs). */
  derivedPulls: number;
}

export function fullName(repo: Repository): string {
  return `${repo.owner.login}/${repo.name}`;
}

export function nowIso(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** All sandbox state. Ids come from one counter, like GitHub's globally unique database ids. */
/**
 * Accounts whose ids tools hard-code, as on github.com: the bot's commit e-mail
 * `41898282+github-actions[bot]@users.noreply.github.com` is the address actions/checkout's README
 * tells workflows to commit as (https://github.com/actions/checkout#push-a-commit-using-the-built-in-token).
 */
const GITHUB_ACCOUNT_IDS: Readonly<Record<string, number>> = { 'github-actions[bot]': 41898282 };

/** A job of a workflow run as the Actions API lists it; a rehearsal reports them as its jobs start and end. */
export interface WorkflowJob {
  id: number;
  runId: number;
  attempt: number;
  name: string;
  workflowName: string;
  headSha: string;
  headBranch: string;
  status: 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | 'cancelled' | 'skipped' | null;
  startedAt: string;
  completedAt: string | null;
}

export class SandboxState {
  private nextId = 1000;
  /** How far the sandbox's clock is ahead of the machine's: tests move it to let tokens expire. */
  clockOffsetMs = 0;

  /** The sandbox's time (epoch ms), which decides when installation tokens expire. */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  readonly accounts = new Map<string, Account>();
  readonly teams = new Map<string, Team>();
  readonly identities = new Map<string, Identity>();
  readonly repos = new Map<string, Repository>();
  /** The jobs of workflow runs, by repository (lower-case full name): Actions metadata, not repository content. */
  readonly workflowJobs = new Map<string, WorkflowJob[]>();

  id(): number {
    return this.nextId++;
  }

  account(login: string, type: AccountType = 'User'): Account {
    const key = login.toLowerCase();
    let account = this.accounts.get(key);
    if (!account) {
      account = { id: GITHUB_ACCOUNT_IDS[key] ?? this.id(), login, type };
      this.accounts.set(key, account);
    }
    return account;
  }

  findAccount(login: string): Account | undefined {
    return this.accounts.get(login.toLowerCase());
  }

  team(org: string, slug: string, members: string[] = []): Team {
    const key = `${org}/${slug}`.toLowerCase();
    let team = this.teams.get(key);
    if (!team) {
      team = { id: this.id(), slug, name: slug, org, members };
      this.teams.set(key, team);
    }
    return team;
  }

  addIdentity(identity: Omit<Identity, 'account'> & { login: string; type?: AccountType }): Identity {
    const account = this.account(identity.login, identity.type ?? (identity.kind === 'user' ? 'User' : 'Bot'));
    const full: Identity = { ...identity, account };
    this.identities.set(identity.token, full);
    return full;
  }

  repo(fullNameOrOwner: string, name?: string): Repository | undefined {
    const key = (name === undefined ? fullNameOrOwner : `${fullNameOrOwner}/${name}`).toLowerCase();
    return this.repos.get(key);
  }

  createRepo(options: { owner: string; name: string; ownerType?: AccountType; private?: boolean; defaultBranch?: string; description?: string; fork?: string }): Repository {
    const owner = this.account(options.owner, options.ownerType ?? 'User');
    const now = nowIso();
    const repo: Repository = {
      id: this.id(),
      owner,
      name: options.name,
      description: options.description ?? null,
      private: options.private ?? false,
      defaultBranch: options.defaultBranch ?? 'main',
      createdAt: now,
      updatedAt: now,
      pushedAt: now,
      // A fork shares its network's objects, as on GitHub: a fork's ref may point at a commit only the parent has.
      objects: (options.fork ? this.repo(options.fork)?.objects : undefined) ?? new ObjectStore(),
      refs: new Map(),
      labels: [],
      milestones: [],
      pulls: [],
      issues: [],
      comments: [],
      statuses: [],
      nextNumber: 1,
      releases: [],
      protections: new Map(),
      rulesets: [],
      collaborators: new Map(),
      immutableReleases: false,
      derivedPulls: 0,
      fork: options.fork ?? null,
      latestReleaseId: null,
      pushes: [],
    };
    this.repos.set(`${owner.login}/${options.name}`.toLowerCase(), repo);
    return repo;
  }
}
