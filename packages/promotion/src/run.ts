import { createTwoFilesPatch } from 'diff';
import { proposeChanges, type ChangeClients, type FileContent, type ProposalOutcome } from '@relkit/changes';
import { explainGitHubError, UserError, type GitHubGraphql } from '@relkit/kit';
import type { RegistryClient } from '@relkit/oci';
import { decodeSource, encodeSource, planBump, type SpecEntry } from '@relkit/version-files';
import type { parseDigests } from './digests.js';
import type { PromotedImage } from './images.js';
import { promoteInManifest, type ImagePromotion, type ManifestChange } from './promoter-manifest.js';
import { repositoryFiles } from './repository-files.js';
import { resolveStagingDigests, type ResolvedDigest } from './staging-digests.js';
import { fillTemplate, type Placeholder } from './templates.js';
import { mergeReader, waitForMerge } from './wait-merged.js';

export interface PromotionRequest {
  /** The repository the promotion pull request goes to, e.g. kubernetes/k8s.io. */
  owner: string;
  repo: string;
  base: string | undefined;
  /** A fork of owner/repo that holds the branch (`kpromo --fork`). */
  fork: { owner: string; repo: string } | undefined;
  /** Names the promotion in the branch and the texts, e.g. the project's name. */
  name: string;
  tags: string[];
  branch: string;
  manifest: { path: string; images: PromotedImage[]; given: ReturnType<typeof parseDigests>; registry: RegistryClient } | undefined;
  edits: { entries: SpecEntry[]; date: string } | undefined;
  title: string;
  body: string;
  labels: string[];
  reviewers: string[];
  teamReviewers: string[];
  draft: boolean;
  runUrl: string;
  /** `graphql`: reads the pull request while waiting (default: the client that opened it). */
  wait: { timeoutMs: number; intervalMs: number; graphql?: GitHubGraphql } | undefined;
}

export interface PromotedFile {
  path: string;
  diff: string;
}

export interface PromotionResult {
  base: string;
  baseSha: string;
  headRepository: string;
  digests: ResolvedDigest[];
  manifestChanges: ManifestChange[];
  alreadyPromoted: Array<{ image: string; tag: string }>;
  files: PromotedFile[];
  title: string;
  body: string;
  operation: 'created' | 'updated' | 'unchanged';
  proposal: ProposalOutcome | undefined;
  pullRequest: { number: number; url: string; state: 'open' | 'merged' } | undefined;
  merged: boolean | undefined;
}

const REPOSITORIES = `query($owner: String!, $name: String!, $base: String!, $hasBase: Boolean!, $forkOwner: String!, $forkName: String!, $hasFork: Boolean!, $branch: String!) {
  target: repository(owner: $owner, name: $name) {
    nameWithOwner
    defaultBranchRef { name target { oid } }
    base: ref(qualifiedName: $base) @include(if: $hasBase) { name target { oid } }
    merged: pullRequests(headRefName: $branch, states: [MERGED], first: 20) { nodes { number url baseRefName headRepository { nameWithOwner } } }
  }
  fork: repository(owner: $forkOwner, name: $forkName) @include(if: $hasFork) { nameWithOwner isFork parent { nameWithOwner } }
}`;

type MergedPulls = { nodes: Array<{ number: number; url: string; baseRefName: string; headRepository: { nameWithOwner: string } | null }> };

interface RepositoriesAnswer {
  target: {
    nameWithOwner: string;
    defaultBranchRef: { name: string; target: { oid: string } } | null;
    base?: { name: string; target: { oid: string } } | null;
    merged: MergedPulls;
  } | null;
  fork?: { nameWithOwner: string; isFork: boolean; parent: { nameWithOwner: string } | null } | null;
}

function imagesList(digests: ResolvedDigest[]): string {
  return digests.map((d) => `- \`${d.image}:${d.tag}\` → \`${d.digest}\``).join('\n');
}

/** Groups digests by image and digest, tags in the order given: one manifest line per digest. */
function promotionsOf(digests: ResolvedDigest[]): ImagePromotion[] {
  const grouped = new Map<string, ImagePromotion>();
  for (const d of digests) {
    const key = `${d.image}@${d.digest}`;
    const entry = grouped.get(key) ?? { name: d.image, digest: d.digest, tags: [] };
    entry.tags.push(d.tag);
    grouped.set(key, entry);
  }
  return [...grouped.values()];
}

async function readRepositories(clients: ChangeClients, request: PromotionRequest): Promise<{ base: string; baseSha: string; merged: MergedPulls }> {
  const target = `${request.owner}/${request.repo}`;
  const answer = await clients
    .graphql<RepositoriesAnswer>(REPOSITORIES, {
      owner: request.owner,
      name: request.repo,
      base: `refs/heads/${request.base ?? ''}`,
      hasBase: request.base !== undefined,
      forkOwner: request.fork?.owner ?? '',
      forkName: request.fork?.repo ?? '',
      hasFork: request.fork !== undefined,
      branch: request.branch,
    })
    .catch((error: unknown) => {
      throw explainGitHubError(
        error,
        `read ${target}${request.fork ? ` and ${request.fork.owner}/${request.fork.repo}` : ''}`,
        'contents: read and pull-requests: read on the target repository (a token of another repository needs an App or a PAT)',
      );
    });
  if (!answer.target) throw new UserError(`Repository ${target} does not exist, or the token cannot read it.`, 'Check `repository` and give a `token` that can read it.', { input: 'repository' });
  const ref = request.base !== undefined ? answer.target.base : answer.target.defaultBranchRef;
  if (!ref) {
    throw new UserError(
      `${request.base !== undefined ? `Branch ${request.base}` : 'The default branch'} does not exist in ${target}.`,
      'Set `base` to the branch the promotion pull request targets.',
      { input: 'base' },
    );
  }
  if (request.fork) {
    const forkName = `${request.fork.owner}/${request.fork.repo}`;
    if (!answer.fork)
      throw new UserError(`The fork ${forkName} does not exist, or the token cannot read it.`, `Fork ${target} to ${request.fork.owner} on GitHub first (or fix \`fork\`).`, { input: 'fork' });
    if (!answer.fork.isFork || answer.fork.parent?.nameWithOwner.toLowerCase() !== target.toLowerCase()) {
      throw new UserError(`${forkName} is not a fork of ${target}, so a pull request cannot come from it.`, `Set \`fork\` to a fork of ${target} (e.g. your-user or your-user/${request.repo}).`, {
        input: 'fork',
      });
    }
  }
  return { base: ref === answer.target.defaultBranchRef ? ref.name : request.base!, baseSha: ref.target.oid, merged: answer.target.merged };
}

/**
 * Reads the target repository's files at the base branch through the API, applies the promotion
 * (manifest digests, file edits), and keeps exactly one pull request from the promotion branch
 * up to date; optionally waits for a human to merge it.
 */
export async function runPromotion(clients: ChangeClients, request: PromotionRequest): Promise<PromotionResult> {
  const target = `${request.owner}/${request.repo}`;
  const head = request.fork ?? { owner: request.owner, repo: request.repo };
  const { base, baseSha, merged } = await readRepositories(clients, request);
  const source = repositoryFiles(clients, { owner: request.owner, repo: request.repo, commit: baseSha, label: `${target}@${base}` });

  const literal = [request.manifest?.path, ...(request.edits?.entries ?? []).map((e) => e.pattern)].filter((p): p is string => p !== undefined && !/[*?[\]{}]/.test(p));
  const [digests] = await Promise.all([
    request.manifest ? resolveStagingDigests({ images: request.manifest.images, tags: request.tags, given: request.manifest.given, client: request.manifest.registry }) : Promise.resolve([]),
    source.prefetch(literal.map((p) => p.replace(/^\.\//, ''))),
  ]);

  const files: Array<FileContent & { diff: string }> = [];
  let manifestChanges: ManifestChange[] = [];
  let alreadyPromoted: PromotionResult['alreadyPromoted'] = [];
  if (request.manifest) {
    const path = request.manifest.path.replace(/^\.\//, '');
    if ((await source.resolve(path, 'promoter-manifest')).length === 0) {
      throw new UserError(
        `${target}@${base} has no ${path}.`,
        'Set `promoter-manifest` to the path of the images.yaml in the target repository, e.g. registry.k8s.io/images/k8s-staging-PROJECT/images.yaml.',
        { input: 'promoter-manifest' },
      );
    }
    const bytes = await source.read(path);
    const text = decodeSource(path, bytes);
    const edited = promoteInManifest(text, promotionsOf(digests));
    manifestChanges = edited.changes;
    alreadyPromoted = edited.present;
    if (edited.text !== text.text) {
      files.push({
        path,
        contents: encodeSource(text, edited.text),
        diff: createTwoFilesPatch(`a/${path}`, `b/${path}`, text.text, edited.text, undefined, undefined, { context: 3 }).replace(/^=+\n/, ''),
      });
    }
  }
  if (request.edits) {
    const tag = request.tags[0]!;
    const plan = await planBump({
      source,
      entries: request.edits.entries,
      version: tag.replace(/^v/, ''),
      current: { kind: 'files' },
      tagPrefix: tag.startsWith('v') ? 'v' : '',
      date: request.edits.date,
      // The target repository is someone else's: an older release line may be promoted after a newer one.
      allowDowngrade: true,
    });
    for (const file of plan.files) {
      if (files.some((f) => f.path === file.path)) {
        throw new UserError(`${file.path} is both the promoter manifest and a file in \`edits\`.`, 'Remove it from `edits`: the manifest is edited from `images` and `tags`.', { input: 'edits' });
      }
      files.push({ path: file.path, contents: file.after, diff: file.diff });
    }
  }

  const values: Record<Placeholder, string> = {
    tag: request.tags[0]!,
    tags: request.tags.join(', '),
    version: request.tags[0]!.replace(/^v/, ''),
    name: request.name,
    repository: target,
    run_url: request.runUrl,
    images: digests.length > 0 ? imagesList(digests) : files.map((f) => `- \`${f.path}\``).join('\n'),
  };
  const title = fillTemplate(request.title, values);
  const body = fillTemplate(request.body, values);
  const result: PromotionResult = {
    base,
    baseSha,
    headRepository: `${head.owner}/${head.repo}`,
    digests,
    manifestChanges,
    alreadyPromoted,
    files: files.map((f) => ({ path: f.path, diff: f.diff })),
    title,
    body,
    operation: 'unchanged',
    proposal: undefined,
    pullRequest: undefined,
    merged: undefined,
  };

  if (files.length === 0) {
    // Everything is on the base branch already: most often the promotion pull request was merged.
    const pr = merged.nodes.find((p) => p.baseRefName === base && p.headRepository?.nameWithOwner.toLowerCase() === result.headRepository.toLowerCase());
    clients.log(`${target}@${base} already promotes ${request.tags.join(', ')}: nothing to change${pr ? ` (merged in #${pr.number})` : ''}.`);
    if (pr) result.pullRequest = { number: pr.number, url: pr.url, state: 'merged' };
    if (request.wait) result.merged = pr !== undefined;
    return result;
  }

  for (const file of files) clients.log(`${file.path}:\n${file.diff}`);
  const [headline, ...rest] = title.split('\n');
  const proposal = await proposeChanges(clients, {
    owner: request.owner,
    repo: request.repo,
    head: request.fork,
    base,
    branch: request.branch,
    branchInput: 'branch',
    startPoint: baseSha,
    message: { headline: headline!, body: [rest.join('\n').trim(), body].filter(Boolean).join('\n\n') },
    files,
    title,
    body,
    labels: request.labels,
    reviewers: request.reviewers,
    teamReviewers: request.teamReviewers,
    draft: request.draft,
  });
  result.proposal = proposal;
  result.operation = proposal.pullRequest.status === 'opened' ? 'created' : proposal.pullRequest.status;
  if (proposal.pullRequest.number !== undefined && proposal.pullRequest.url !== undefined) result.pullRequest = { number: proposal.pullRequest.number, url: proposal.pullRequest.url, state: 'open' };

  if (request.wait && result.pullRequest && !clients.writes.mock) {
    const pull = { owner: request.owner, repo: request.repo, number: result.pullRequest.number };
    const graphql = await mergeReader(request.wait.graphql, clients.graphql, pull, clients.log);
    const waited = await waitForMerge({ ...pull, url: result.pullRequest.url, timeoutMs: request.wait.timeoutMs, intervalMs: request.wait.intervalMs, graphql, log: clients.log });
    result.merged = waited.merged;
    result.pullRequest.state = 'merged';
  }
  return result;
}
