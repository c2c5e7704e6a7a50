import { execFileSync } from 'node:child_process';
import { isAbsolute, join } from 'node:path';
import { GitDirSource } from './git-dir-source.js';
import type { SandboxState, Repository, Identity, AccountType, Permission } from './model.js';
import { nowIso } from './model.js';
import type { Signature } from './git-objects.js';
import { parseProtection, parseRuleset } from './rest/admin.js';

export interface SeedIdentity {
  token: string;
  kind: Identity['kind'];
  login: string;
  type?: AccountType;
  appId?: number;
  appSlug?: string;
  permissions?: Record<string, 'read' | 'write'>;
  rateLimit?: number;
  email?: string;
  name?: string;
}

export interface SeedCommit {
  /** A name other entries use to point at this commit. */
  id: string;
  message: string;
  /** Path → new content (string), or null to delete, applied on top of the first parent. */
  files?: Record<string, string | null>;
  /** Commit ids; defaults to the previous commit in the list (none for the first). */
  parents?: string[];
  /** Login of the author; the commit e-mail is the login's noreply address. */
  author?: string;
  date?: string;
}

export interface SeedPull {
  number?: number;
  title: string;
  body?: string;
  user?: string;
  labels?: string[];
  head: string;
  base?: string;
  /** Commit id of the merge (or squash) commit when merged. */
  mergeCommit?: string;
  /** Commit id of the PR head; defaults to the merge commit's second parent or the merge commit. */
  headCommit?: string;
  state?: 'open' | 'closed';
  mergedAt?: string;
  milestone?: number;
}

export interface SeedRepo {
  owner: string;
  name: string;
  ownerType?: AccountType;
  private?: boolean;
  defaultBranch?: string;
  description?: string;
  collaborators?: Record<string, Permission>;
  commits?: SeedCommit[];
  /** Branch → commit id. The default branch defaults to the last commit. */
  branches?: Record<string, string>;
  /** Tag → commit id (lightweight) or { commit, message } (annotated). */
  tags?: Record<string, string | { commit: string; message: string }>;
  labels?: { name: string; color?: string; description?: string }[];
  milestones?: { title: string; state?: 'open' | 'closed' }[];
  pulls?: SeedPull[];
  releases?: { tag: string; name?: string; body?: string; draft?: boolean; prerelease?: boolean; target?: string; assets?: { name: string; content: string }[] }[];
  /** Branch → body of PUT /branches/{branch}/protection. */
  protections?: Record<string, Record<string, unknown>>;
  /** Bodies of POST /rulesets. */
  rulesets?: Record<string, unknown>[];
  immutableReleases?: boolean;
  /** Import commits, branches and tags from a local git repository instead of `commits`. */
  gitDir?: string;
  fork?: string;
}

export interface SeedFixture {
  identities?: SeedIdentity[];
  accounts?: { login: string; type?: AccountType; email?: string; name?: string }[];
  teams?: { org: string; slug: string; members?: string[] }[];
  repos?: SeedRepo[];
}

/** Tokens every sandbox knows, for tests and rehearsals. */
export const SANDBOX_TOKENS = {
  /** A PAT of `relkit-admin`, admin of every seeded repository. */
  admin: 'ghp_sandbox_admin',
  /** GITHUB_TOKEN: contents/pull-requests/issues write, no administration, no workflows, 1,000 requests an hour. */
  githubToken: 'ghs_sandbox_github_token',
  /** An installation token of the `relkit-release` App (id 1001) with administration and workflows. */
  app: 'ghs_sandbox_app',
  /** A PAT of `outsider`, with no role on any repository. */
  outsider: 'ghp_sandbox_outsider',
} as const;

export const SANDBOX_APP_ID = 1001;

export function defaultIdentities(): SeedIdentity[] {
  return [
    { token: SANDBOX_TOKENS.admin, kind: 'user', login: 'relkit-admin' },
    {
      token: SANDBOX_TOKENS.githubToken,
      kind: 'github-actions',
      login: 'github-actions[bot]',
      appId: 15368,
      appSlug: 'github-actions',
      permissions: { contents: 'write', pull_requests: 'write', issues: 'write', metadata: 'read' },
      rateLimit: 1000,
    },
    {
      token: SANDBOX_TOKENS.app,
      kind: 'app',
      login: 'relkit-release[bot]',
      appId: SANDBOX_APP_ID,
      appSlug: 'relkit-release',
      permissions: { actions: 'read', administration: 'write', contents: 'write', pull_requests: 'write', issues: 'write', workflows: 'write', metadata: 'read' },
    },
    { token: SANDBOX_TOKENS.outsider, kind: 'user', login: 'outsider' },
  ];
}

function signature(state: SandboxState, login: string, date: string | undefined, fallback: number): Signature {
  const account = state.account(login);
  return {
    name: account.name ?? login,
    email: account.email ?? `${account.id}+${login}@users.noreply.github.com`,
    time: date ? Math.floor(Date.parse(date) / 1000) : fallback,
    tz: '+0000',
  };
}

/**
 * A repository seeded from a local git directory reads its objects from there when asked (packs and
 * loose objects, never loaded whole: Kata's 2 GiB of history would not fit in a buffer), and keeps
 * what the sandbox writes apart; only the refs are read up front.
 */
function importGitObjects(repo: Repository, gitDir: string): void {
  const git = (...args: string[]) => execFileSync('git', ['-C', gitDir, ...args], { maxBuffer: 1 << 28 });
  const objectsDir = git('rev-parse', '--git-path', 'objects').toString().trim();
  repo.objects.attach(new GitDirSource(join(isAbsolute(objectsDir) ? objectsDir : join(gitDir, objectsDir), '..')));
  for (const line of git('for-each-ref', '--format=%(refname) %(objectname)').toString().split('\n')) {
    const [ref, sha] = line.split(' ');
    if (!ref || !sha || ref.startsWith('refs/remotes/')) continue;
    repo.refs.set(ref, sha);
  }
  try {
    const head = git('symbolic-ref', '--short', 'HEAD').toString().trim();
    if (head) repo.defaultBranch = head;
  } catch {
    // A detached HEAD keeps the configured default branch.
  }
}

/** PR records that merge and squash commit messages imply, as GitHub writes them. */
function derivePulls(repo: Repository): SeedPull[] {
  const pulls: SeedPull[] = [];
  const seen = new Set<number>();
  const heads = [...repo.refs].filter(([ref]) => ref.startsWith('refs/heads/')).map(([, sha]) => sha);
  for (const commit of repo.objects.log(heads[0] ?? '', []).concat(...heads.slice(1).map((h) => repo.objects.log(h)))) {
    const merge = /^Merge pull request #(\d+) from ([^/\s]+)\/(\S+)/.exec(commit.message);
    const squash = /\(#(\d+)\)\s*$/m.exec(commit.message.split('\n')[0] ?? '');
    const number = Number(merge?.[1] ?? squash?.[1] ?? NaN);
    if (!Number.isFinite(number) || seen.has(number)) continue;
    seen.add(number);
    const title = merge ? (commit.message.split('\n\n')[1]?.split('\n')[0] ?? `PR #${number}`) : (commit.message.split('\n')[0] as string).replace(/\s*\(#\d+\)\s*$/, '');
    const emailLogin = /^(?:\d+\+)?([^@]+)@users\.noreply\.github\.com$/.exec(commit.author.email)?.[1];
    pulls.push({
      number,
      title,
      user: merge?.[2] ?? emailLogin ?? commit.author.name.replace(/\s+/g, '-'),
      head: merge?.[3] ?? `pr-${number}`,
      mergeCommit: commit.sha,
      headCommit: merge ? commit.parents[1] : commit.sha,
      mergedAt: new Date(commit.committer.time * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });
  }
  return pulls;
}

export function applySeed(state: SandboxState, fixture: SeedFixture): void {
  for (const identity of fixture.identities ?? defaultIdentities()) {
    const added = state.addIdentity(identity);
    if (identity.email) added.account.email = identity.email;
    if (identity.name) added.account.name = identity.name;
  }
  for (const a of fixture.accounts ?? []) {
    const account = state.account(a.login, a.type ?? 'User');
    if (a.email) account.email = a.email;
    if (a.name) account.name = a.name;
  }
  state.account('web-flow').email = 'noreply@github.com';
  for (const t of fixture.teams ?? []) state.team(t.org, t.slug, t.members ?? []);
  for (const seed of fixture.repos ?? []) seedRepo(state, seed);
}

function seedRepo(state: SandboxState, seed: SeedRepo): Repository {
  const repo = state.createRepo({
    owner: seed.owner,
    name: seed.name,
    ownerType: seed.ownerType ?? 'Organization',
    private: seed.private ?? false,
    defaultBranch: seed.defaultBranch ?? 'main',
    ...(seed.description ? { description: seed.description } : {}),
    ...(seed.fork ? { fork: seed.fork } : {}),
  });
  repo.collaborators.set('relkit-admin', 'admin');
  for (const [login, role] of Object.entries(seed.collaborators ?? {})) repo.collaborators.set(login.toLowerCase(), role);
  repo.immutableReleases = seed.immutableReleases ?? false;

  const ids = new Map<string, string>();
  const resolve = (id: string) =>
    ids.get(id) ??
    repo.objects.resolvePrefix(id) ??
    (() => {
      throw new Error(`seed ${seed.owner}/${seed.name}: unknown commit id ${id}`);
    })();
  if (seed.gitDir) importGitObjects(repo, seed.gitDir);
  let previous: string | undefined;
  let clock = Math.floor(Date.parse('2024-01-01T00:00:00Z') / 1000);
  for (const c of seed.commits ?? []) {
    const parents = (c.parents ?? (previous ? [previous] : [])).map((p) => (ids.has(p) ? (ids.get(p) as string) : resolve(p)));
    const parentTree = parents[0] ? repo.objects.commit(parents[0])?.tree : undefined;
    const tree = repo.objects.applyChanges(
      parentTree,
      Object.entries(c.files ?? {}).map(([path, content]) => ({ path, mode: '100644', sha: content === null ? null : repo.objects.putBlob(content) })),
    );
    clock += 60;
    const sig = signature(state, c.author ?? 'relkit-admin', c.date, clock);
    const sha = repo.objects.putCommit({ tree, parents, author: sig, committer: sig, message: c.message.endsWith('\n') ? c.message : `${c.message}\n` });
    ids.set(c.id, sha);
    previous = sha;
  }
  for (const [branch, id] of Object.entries(seed.branches ?? {})) repo.refs.set(`refs/heads/${branch}`, resolve(id));
  if (previous && !repo.refs.has(`refs/heads/${repo.defaultBranch}`)) repo.refs.set(`refs/heads/${repo.defaultBranch}`, previous);
  for (const [tag, target] of Object.entries(seed.tags ?? {})) {
    if (typeof target === 'string') repo.refs.set(`refs/tags/${tag}`, resolve(target));
    else {
      const sha = repo.objects.putTag({ object: resolve(target.commit), type: 'commit', tag, tagger: signature(state, 'relkit-admin', undefined, clock), message: `${target.message}\n` });
      repo.refs.set(`refs/tags/${tag}`, sha);
    }
  }
  for (const label of seed.labels ?? []) repo.labels.push({ id: state.id(), name: label.name, color: label.color ?? 'ededed', description: label.description ?? null, default: false });
  seed.milestones?.forEach((m, i) => {
    const now = nowIso();
    repo.milestones.push({ id: state.id(), number: i + 1, title: m.title, description: null, state: m.state ?? 'open', createdAt: now, updatedAt: now, closedAt: null, dueOn: null });
  });

  const given = new Map((seed.pulls ?? []).filter((p) => p.number !== undefined).map((p) => [p.number as number, p]));
  const derived = seed.gitDir ? derivePulls(repo).map((p) => ({ ...p, ...given.get(p.number as number) })) : [];
  const derivedNumbers = new Set(derived.map((p) => p.number));
  repo.derivedPulls = derived.filter((p) => !given.has(p.number as number)).length;
  const pulls = [...derived, ...(seed.pulls ?? []).filter((p) => !derivedNumbers.has(p.number))];
  for (const p of pulls.sort((a, b) => (a.number ?? Infinity) - (b.number ?? Infinity))) {
    const number = p.number ?? repo.nextNumber;
    repo.nextNumber = Math.max(repo.nextNumber, number + 1);
    const merge = p.mergeCommit ? resolve(p.mergeCommit) : undefined;
    const mergeCommit = merge ? repo.objects.commit(merge) : undefined;
    const head = p.headCommit ? resolve(p.headCommit) : (mergeCommit?.parents[1] ?? merge ?? repo.refs.get(`refs/heads/${p.head}`) ?? '');
    const base = mergeCommit?.parents[0] ?? repo.refs.get(`refs/heads/${p.base ?? repo.defaultBranch}`) ?? '';
    const mergedAt = merge ? (p.mergedAt ?? new Date((mergeCommit?.committer.time ?? 0) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')) : null;
    for (const name of p.labels ?? []) if (!repo.labels.some((l) => l.name === name)) repo.labels.push({ id: state.id(), name, color: 'ededed', description: null, default: false });
    repo.pulls.push({
      id: state.id(),
      number,
      title: p.title,
      body: p.body ?? null,
      state: merge ? 'closed' : (p.state ?? 'open'),
      draft: false,
      user: p.user ?? 'relkit-admin',
      headRef: p.head,
      headRepo: `${repo.owner.login}/${repo.name}`,
      headSha: head,
      baseRef: p.base ?? repo.defaultBranch,
      baseSha: base,
      labels: p.labels ?? [],
      milestone: p.milestone ?? null,
      mergedAt,
      mergeCommitSha: merge ?? null,
      mergedBy: merge ? 'relkit-admin' : null,
      closedAt: mergedAt,
      createdAt: mergedAt ?? nowIso(),
      updatedAt: mergedAt ?? nowIso(),
      requestedReviewers: [],
      requestedTeams: [],
      maintainerCanModify: true,
    });
    state.account(p.user ?? 'relkit-admin');
  }

  for (const r of seed.releases ?? []) {
    // A seeded release was published with its commit, before the history that follows it, as
    // tools that read "merged since the last release" (release-drafter) expect.
    const made = r.target ? repo.objects.commit(ids.get(r.target) ?? r.target)?.committer.time : undefined;
    const now = made ? new Date(made * 1000).toISOString() : nowIso();
    const release = {
      id: state.id(),
      tagName: r.tag,
      targetCommitish: r.target ? (ids.get(r.target) ?? r.target) : repo.defaultBranch,
      name: r.name ?? r.tag,
      body: r.body ?? null,
      draft: r.draft ?? false,
      prerelease: r.prerelease ?? false,
      author: 'relkit-admin',
      createdAt: now,
      publishedAt: r.draft ? null : now,
      updatedAt: now,
      assets: (r.assets ?? []).map((a) => ({
        id: state.id(),
        name: a.name,
        label: null,
        contentType: 'application/octet-stream',
        state: 'uploaded' as const,
        data: Buffer.from(a.content),
        uploader: 'relkit-admin',
        downloadCount: 0,
        createdAt: now,
        updatedAt: now,
      })),
      immutable: !(r.draft ?? false) && repo.immutableReleases,
    };
    if (!release.draft && !repo.refs.has(`refs/tags/${r.tag}`)) {
      const target = repo.refs.get(`refs/heads/${release.targetCommitish}`) ?? ids.get(r.target ?? '') ?? repo.objects.resolvePrefix(release.targetCommitish);
      if (target) repo.refs.set(`refs/tags/${r.tag}`, target);
    }
    repo.releases.push(release);
    if (!release.draft && !release.prerelease) repo.latestReleaseId = release.id;
  }
  for (const [branch, body] of Object.entries(seed.protections ?? {})) {
    repo.protections.set(branch, parseProtection({ required_status_checks: null, enforce_admins: null, required_pull_request_reviews: null, restrictions: null, ...body }));
  }
  for (const body of seed.rulesets ?? []) {
    const now = nowIso();
    repo.rulesets.push({ id: state.id(), ...parseRuleset(body, undefined, repo.rulesets), createdAt: now, updatedAt: now });
  }
  return repo;
}

export { seedRepo };
