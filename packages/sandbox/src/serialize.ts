import { signatureDate, type Commit, type Signature, type Tag } from './git-objects.js';
import { fullName, type Account, type Identity, type Label, type Milestone, type Repository, type SandboxState, type Team } from './model.js';

/** Base URLs the sandbox answers on; every URL in a response is built from these. */
export interface Urls {
  api: string;
  uploads: string;
  html: string;
  graphql: string;
}

export function nodeId(kind: string, id: number | string): string {
  return Buffer.from(`0:${kind}${id}`).toString('base64').replace(/=+$/, '');
}

export function account(urls: Urls, a: Account): Record<string, unknown> {
  // GitHub percent-encodes bot logins (`github-actions%5Bbot%5D`) and links bots to their App page.
  const url = `${urls.api}/users/${encodeURIComponent(a.login)}`;
  return {
    login: a.login,
    id: a.id,
    node_id: nodeId(a.type, a.id),
    avatar_url: `${urls.html}/avatars/u/${a.id}?v=4`,
    gravatar_id: '',
    url,
    html_url: a.type === 'Bot' ? `${urls.html}/apps/${a.login.replace(/\[bot\]$/, '')}` : `${urls.html}/${a.login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: a.type,
    user_view_type: 'public',
    site_admin: false,
  };
}

export function accountByLogin(state: SandboxState, urls: Urls, login: string): Record<string, unknown> {
  return account(urls, state.account(login));
}

export function team(urls: Urls, t: Team): Record<string, unknown> {
  const url = `${urls.api}/organizations/1/team/${t.id}`;
  return {
    id: t.id,
    node_id: nodeId('Team', t.id),
    url,
    html_url: `${urls.html}/orgs/${t.org}/teams/${t.slug}`,
    name: t.name,
    slug: t.slug,
    description: null,
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    permission: 'pull',
    members_url: `${url}/members{/member}`,
    repositories_url: `${url}/repos`,
    parent: null,
    type: 'enterprise',
  };
}

export function app(urls: Urls, identity: Identity): Record<string, unknown> {
  return {
    id: identity.appId ?? identity.account.id,
    slug: identity.appSlug ?? identity.account.login.replace(/\[bot\]$/, ''),
    node_id: nodeId('Integration', identity.appId ?? identity.account.id),
    owner: account(urls, identity.account),
    name: identity.appSlug ?? identity.account.login,
    description: null,
    external_url: urls.html,
    html_url: `${urls.html}/apps/${identity.appSlug ?? identity.account.login}`,
    created_at: '2020-01-01T00:00:00Z',
    updated_at: '2020-01-01T00:00:00Z',
    permissions: identity.permissions ?? {},
    events: [],
  };
}

export function repoUrl(urls: Urls, repo: Repository): string {
  return `${urls.api}/repos/${fullName(repo)}`;
}

export function repository(urls: Urls, repo: Repository, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const url = repoUrl(urls, repo);
  const html = `${urls.html}/${fullName(repo)}`;
  const openIssues = repo.pulls.filter((p) => p.state === 'open').length;
  return {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: repo.name,
    full_name: fullName(repo),
    private: repo.private,
    owner: account(urls, repo.owner),
    html_url: html,
    description: repo.description,
    fork: repo.fork !== null,
    url,
    archive_url: `${url}/{archive_format}{/ref}`,
    assignees_url: `${url}/assignees{/user}`,
    blobs_url: `${url}/git/blobs{/sha}`,
    branches_url: `${url}/branches{/branch}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    comments_url: `${url}/comments{/number}`,
    commits_url: `${url}/commits{/sha}`,
    compare_url: `${url}/compare/{base}...{head}`,
    contents_url: `${url}/contents/{+path}`,
    contributors_url: `${url}/contributors`,
    deployments_url: `${url}/deployments`,
    downloads_url: `${url}/downloads`,
    events_url: `${url}/events`,
    forks_url: `${url}/forks`,
    git_commits_url: `${url}/git/commits{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    git_url: `git://sandbox/${fullName(repo)}.git`,
    hooks_url: `${url}/hooks`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    issue_events_url: `${url}/issues/events{/number}`,
    issues_url: `${url}/issues{/number}`,
    keys_url: `${url}/keys{/key_id}`,
    labels_url: `${url}/labels{/name}`,
    languages_url: `${url}/languages`,
    merges_url: `${url}/merges`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    pulls_url: `${url}/pulls{/number}`,
    releases_url: `${url}/releases{/id}`,
    ssh_url: `git@sandbox:${fullName(repo)}.git`,
    stargazers_url: `${url}/stargazers`,
    statuses_url: `${url}/statuses/{sha}`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    tags_url: `${url}/tags`,
    teams_url: `${url}/teams`,
    trees_url: `${url}/git/trees{/sha}`,
    clone_url: `${html}.git`,
    mirror_url: null,
    svn_url: html,
    homepage: null,
    language: null,
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 0,
    default_branch: repo.defaultBranch,
    open_issues_count: openIssues,
    open_issues: openIssues,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: repo.private ? 'private' : 'public',
    pushed_at: repo.pushedAt,
    created_at: repo.createdAt,
    updated_at: repo.updatedAt,
    license: null,
    allow_forking: true,
    web_commit_signoff_required: false,
    network_count: 0,
    subscribers_count: 0,
    ...extra,
  };
}

export function gitUser(sig: Signature): Record<string, unknown> {
  return { name: sig.name, email: sig.email, date: signatureDate(sig) };
}

/** GitHub signs commits it makes itself (web edits, createCommitOnBranch); those carry a signature. */
export function verification(commit: Commit): Record<string, unknown> {
  if (commit.signature) return { verified: true, reason: 'valid', signature: commit.signature, payload: null, verified_at: signatureDate(commit.committer) };
  return { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null };
}

export function gitCommit(urls: Urls, repo: Repository, commit: Commit): Record<string, unknown> {
  const url = `${repoUrl(urls, repo)}/git/commits/${commit.sha}`;
  return {
    sha: commit.sha,
    node_id: nodeId('Commit', commit.sha),
    url,
    html_url: `${urls.html}/${fullName(repo)}/commit/${commit.sha}`,
    author: gitUser(commit.author),
    committer: gitUser(commit.committer),
    tree: { sha: commit.tree, url: `${repoUrl(urls, repo)}/git/trees/${commit.tree}` },
    message: commit.message,
    parents: commit.parents.map((p) => ({ sha: p, url: `${repoUrl(urls, repo)}/git/commits/${p}`, html_url: `${urls.html}/${fullName(repo)}/commit/${p}` })),
    verification: verification(commit),
  };
}

/** The GitHub account behind a commit's e-mail, as GitHub links commits to users. */
export function accountForEmail(state: SandboxState, email: string): Account | undefined {
  if (email === 'noreply@github.com') return state.findAccount('web-flow');
  const noreply = /^(?:\d+\+)?([^@]+)@users\.noreply\.github\.com$/.exec(email);
  if (noreply) return state.findAccount(noreply[1] as string);
  for (const a of state.accounts.values()) if (a.email && a.email.toLowerCase() === email.toLowerCase()) return a;
  return undefined;
}

export function restCommit(state: SandboxState, urls: Urls, repo: Repository, commit: Commit, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const url = `${repoUrl(urls, repo)}/commits/${commit.sha}`;
  const author = accountForEmail(state, commit.author.email);
  const committer = accountForEmail(state, commit.committer.email);
  return {
    url,
    sha: commit.sha,
    node_id: nodeId('Commit', commit.sha),
    html_url: `${urls.html}/${fullName(repo)}/commit/${commit.sha}`,
    comments_url: `${url}/comments`,
    commit: {
      url: `${repoUrl(urls, repo)}/git/commits/${commit.sha}`,
      author: gitUser(commit.author),
      committer: gitUser(commit.committer),
      message: commit.message,
      comment_count: 0,
      tree: { sha: commit.tree, url: `${repoUrl(urls, repo)}/git/trees/${commit.tree}` },
      verification: verification(commit),
    },
    author: author ? account(urls, author) : null,
    committer: committer ? account(urls, committer) : null,
    parents: commit.parents.map((p) => ({ sha: p, url: `${repoUrl(urls, repo)}/commits/${p}`, html_url: `${urls.html}/${fullName(repo)}/commit/${p}` })),
    ...extra,
  };
}

export function gitRef(urls: Urls, repo: Repository, ref: string, sha: string): Record<string, unknown> {
  const type = repo.objects.typeOf(sha) ?? 'commit';
  return {
    ref,
    node_id: nodeId('Ref', `${repo.id}:${ref}`),
    url: `${repoUrl(urls, repo)}/git/${ref}`,
    object: { sha, type, url: `${repoUrl(urls, repo)}/git/${type}s/${sha}` },
  };
}

export function gitTag(urls: Urls, repo: Repository, tag: Tag): Record<string, unknown> {
  const tagged = repo.objects.commit(tag.object);
  return {
    node_id: nodeId('Tag', tag.sha),
    tag: tag.tag,
    sha: tag.sha,
    url: `${repoUrl(urls, repo)}/git/tags/${tag.sha}`,
    message: tag.message,
    tagger: tag.tagger ? gitUser(tag.tagger) : { name: 'unknown', email: '', date: tagged ? signatureDate(tagged.committer) : '1970-01-01T00:00:00Z' },
    object: { type: tag.type, sha: tag.object, url: `${repoUrl(urls, repo)}/git/${tag.type}s/${tag.object}` },
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
  };
}

/** `inPull`: GitHub's description types a PR's label description as a plain string. */
/** One changed file as compare, commit and pull request files list it (the diff-entry schema). */
export function diffEntry(urls: Urls, repo: Repository, change: { path: string; status: string; before?: string; after?: string }, sha: string): Record<string, unknown> {
  return {
    sha: change.after ?? change.before ?? '',
    filename: change.path,
    status: change.status,
    additions: 0,
    deletions: 0,
    changes: 0,
    blob_url: `${urls.html}/${fullName(repo)}/blob/${sha}/${change.path}`,
    raw_url: `${urls.html}/${fullName(repo)}/raw/${sha}/${change.path}`,
    contents_url: `${repoUrl(urls, repo)}/contents/${change.path}?ref=${sha}`,
  };
}

export function label(urls: Urls, repo: Repository, l: Label, inPull = false): Record<string, unknown> {
  return {
    id: l.id,
    node_id: nodeId('Label', l.id),
    url: `${repoUrl(urls, repo)}/labels/${encodeURIComponent(l.name)}`,
    name: l.name,
    color: l.color,
    default: l.default,
    description: inPull ? (l.description ?? '') : l.description,
  };
}

export function milestone(state: SandboxState, urls: Urls, repo: Repository, m: Milestone): Record<string, unknown> {
  return {
    url: `${repoUrl(urls, repo)}/milestones/${m.number}`,
    html_url: `${urls.html}/${fullName(repo)}/milestone/${m.number}`,
    labels_url: `${repoUrl(urls, repo)}/milestones/${m.number}/labels`,
    id: m.id,
    node_id: nodeId('Milestone', m.id),
    number: m.number,
    state: m.state,
    title: m.title,
    description: m.description,
    creator: account(urls, repo.owner),
    open_issues: repo.pulls.filter((p) => p.milestone === m.number && p.state === 'open').length,
    closed_issues: repo.pulls.filter((p) => p.milestone === m.number && p.state === 'closed').length,
    created_at: m.createdAt,
    updated_at: m.updatedAt,
    closed_at: m.closedAt,
    due_on: m.dueOn,
  };
}
