import { createTwoFilesPatch } from 'diff';
import type { ChangeClients, FileContent } from '@relkit/changes';
import { explainGitHubError, fillPlaceholders, UserError } from '@relkit/kit';
import { decodeSource, encodeSource, planBump } from '@relkit/version-files';
import { promoteInManifest, type ImagePromotion, type ManifestChange } from './promoter-manifest.js';
import { repositoryFiles } from './repository-files.js';
import { resolveStagingDigests, type ResolvedDigest } from './staging-digests.js';
import type { Placeholder } from './templates.js';
import type { PromotionRequest } from './run.js';

/** Everything a promotion decides before it writes: read from the target repository and the registry only. */
export interface PromotionPlan {
  base: string;
  baseSha: string;
  headRepository: string;
  /** Pull requests from the promotion branch already merged (the answer to "is there nothing to do?"). */
  merged: MergedPulls;
  digests: ResolvedDigest[];
  manifestChanges: ManifestChange[];
  alreadyPromoted: Array<{ image: string; tag: string }>;
  files: Array<FileContent & { diff: string }>;
  title: string;
  body: string;
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
  return { base: request.base ?? ref.name, baseSha: ref.target.oid, merged: answer.target.merged };
}

/**
 * Reads the target repository's files at the base branch through the API and works out the
 * promotion (manifest digests, file edits, the pull request's texts) without writing anything.
 */
export async function planPromotion(clients: ChangeClients, request: PromotionRequest): Promise<PromotionPlan> {
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
  let alreadyPromoted: PromotionPlan['alreadyPromoted'] = [];
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
    const tag = request.tags[0];
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
    tag: request.tags[0],
    tags: request.tags.join(', '),
    version: request.tags[0].replace(/^v/, ''),
    name: request.name,
    repository: target,
    run_url: request.runUrl,
    images: digests.length > 0 ? imagesList(digests) : files.map((f) => `- \`${f.path}\``).join('\n'),
  };
  return {
    base,
    baseSha,
    headRepository: `${head.owner}/${head.repo}`,
    merged,
    digests,
    manifestChanges,
    alreadyPromoted,
    files,
    title: fillPlaceholders(request.title, values),
    body: fillPlaceholders(request.body, values),
  };
}
