import { proposeChanges, type ChangeClients, type ProposalOutcome } from '@relkit/changes';
import type { GitHubGraphql } from '@relkit/kit';
import type { RegistryClient } from '@relkit/oci';
import type { SpecEntry } from '@relkit/version-files';
import type { parseDigests } from './digests.js';
import type { PromotedImage } from './images.js';
import { planPromotion, type PromotionPlan } from './plan.js';
import type { ManifestChange } from './promoter-manifest.js';
import type { PromotionTags } from './promotion-tags.js';
import type { ResolvedDigest } from './staging-digests.js';
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
  tags: PromotionTags;
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

/**
 * Plans the promotion (reads only), then keeps exactly one pull request from the promotion branch
 * up to date with it; optionally waits for a human to merge it.
 */
export async function runPromotion(clients: ChangeClients, request: PromotionRequest): Promise<PromotionResult> {
  return applyPromotion(clients, request, await planPromotion(clients, request));
}

async function applyPromotion(clients: ChangeClients, request: PromotionRequest, plan: PromotionPlan): Promise<PromotionResult> {
  const target = `${request.owner}/${request.repo}`;
  const { base, baseSha, merged, files, title, body } = plan;
  const result: PromotionResult = {
    base,
    baseSha,
    headRepository: plan.headRepository,
    digests: plan.digests,
    manifestChanges: plan.manifestChanges,
    alreadyPromoted: plan.alreadyPromoted,
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
    message: { headline: headline ?? '', body: [rest.join('\n').trim(), body].filter(Boolean).join('\n\n') },
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
