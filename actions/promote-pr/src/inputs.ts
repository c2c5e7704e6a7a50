import { UserError } from '@relkit/kit';
import type { ActionContext } from '@relkit/kit/action';
import { checkTemplate, parseDigests, parseImages, parsePromotionTags, type PromotionRequest } from '@relkit/promotion';
import { parseSpec, type SpecEntry } from '@relkit/version-files';

export const DEFAULT_TITLE = 'Promote {name} {tags}';
export const DEFAULT_BODY = `Promotes {name} {tags} from staging.

{images}

Opened by relkit/promote-pr ({run_url}). Re-running the release updates this pull request; it never opens a second one.`;

/** The request runPromotion takes, less what only exists at run time (the branch name, the registry client, the run's URL). */
export interface PromoteInputs extends Pick<PromotionRequest, 'owner' | 'repo' | 'base' | 'fork' | 'name' | 'tags' | 'title' | 'body' | 'labels' | 'reviewers' | 'teamReviewers' | 'draft' | 'wait'> {
  branchTemplate: string;
  manifest: Omit<NonNullable<PromotionRequest['manifest']>, 'registry'> | undefined;
  edits: SpecEntry[] | undefined;
  date: string;
  token: string;
  /** Reads the pull request while waiting for the merge (the job's GITHUB_TOKEN by default). */
  waitToken: string | undefined;
  registryAuth: string | undefined;
  dockerConfig: string | undefined;
}

const REPOSITORY = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;

/** What git refuses as a branch name (git check-ref-format), checked before anything is sent. */
function checkBranch(branch: string): void {
  const bad =
    branch === '' ||
    /[\s~^:?*[\\]/.test(branch) ||
    [...branch].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f) ||
    branch.includes('..') ||
    branch.includes('@{') ||
    branch.includes('//') ||
    branch.startsWith('/') ||
    branch.endsWith('/') ||
    branch.endsWith('.') ||
    branch.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'));
  if (bad) throw new UserError(`Input \`branch\` gives "${branch}", which git does not allow as a branch name.`, 'Use something like `relkit/promote/{name}-{tag}`.', { input: 'branch' });
}

export function renderBranch(template: string, values: { name: string; tag: string }): string {
  return template.replaceAll('{name}', values.name).replaceAll('{tag}', values.tag).replaceAll('{version}', values.tag.replace(/^v/, ''));
}

/** Every input is read and checked here, before any request. */
export function readInputs(ctx: ActionContext): PromoteInputs {
  const { inputs, env } = ctx;
  const repository = inputs.string('repository', { required: true });
  if (!REPOSITORY.test(repository))
    throw new UserError(`Input \`repository\` is "${repository}", not OWNER/NAME.`, 'Set `repository` to the repository the promotion goes to, e.g. `kubernetes/k8s.io`.', { input: 'repository' });
  const [owner, repo] = repository.split('/') as [string, string];

  const forkInput = inputs.string('fork');
  let fork: PromoteInputs['fork'];
  if (forkInput !== undefined) {
    const [forkOwner, forkRepo = repo] = forkInput.split('/');
    if (!forkOwner || !REPOSITORY.test(`${forkOwner}/${forkRepo}`) || forkInput.split('/').length > 2) {
      throw new UserError(`Input \`fork\` is "${forkInput}", not OWNER or OWNER/NAME.`, `Give the account that owns the fork (e.g. \`my-user\`, for my-user/${repo}) or OWNER/NAME.`, {
        input: 'fork',
      });
    }
    fork = { owner: forkOwner, repo: forkRepo };
    if (fork.owner.toLowerCase() === owner.toLowerCase() && fork.repo.toLowerCase() === repo.toLowerCase()) fork = undefined;
  }

  const tags = parsePromotionTags(inputs.list('tags', { commas: true }));
  const name = inputs.string('name') ?? env.GITHUB_REPOSITORY?.split('/')[1] ?? repo;
  if (!/^[\w.-]+$/.test(name))
    throw new UserError(`Input \`name\` is "${name}"; it names the branch, so use letters, digits, \`.\`, \`_\` and \`-\`.`, 'Set `name` to the project, e.g. `gateway-api-inference-extension`.', {
      input: 'name',
    });
  const branchTemplate = inputs.string('branch', { default: 'relkit/promote/{name}-{tag}' });
  checkBranch(renderBranch(branchTemplate, { name, tag: tags[0] }));

  const manifestPath = inputs.string('promoter-manifest');
  const editsText = inputs.raw('edits') ?? '';
  const edits = editsText.trim() ? parseSpec(editsText, 'edits') : undefined;
  if (manifestPath === undefined && edits === undefined) {
    throw new UserError('Neither `promoter-manifest` nor `edits` says what to change.', 'Set `promoter-manifest` (with `images`) to promote images, or list file edits in `edits`.', {
      input: 'promoter-manifest',
    });
  }
  let manifest: PromoteInputs['manifest'];
  if (manifestPath !== undefined) {
    if (manifestPath.startsWith('/') || manifestPath.split('/').includes('..')) {
      throw new UserError(
        `Input \`promoter-manifest\` is "${manifestPath}"; it must be a path inside the target repository.`,
        'Give the path from the repository root, e.g. registry.k8s.io/images/k8s-staging-PROJECT/images.yaml.',
        { input: 'promoter-manifest' },
      );
    }
    manifest = { path: manifestPath, images: parseImages(inputs.list('images', { commas: true }), inputs.string('staging-registry')), given: parseDigests(inputs.raw('digests')) };
  } else if (inputs.list('images').length > 0) {
    throw new UserError('`images` is set but `promoter-manifest` is not, so there is nowhere to promote them.', 'Set `promoter-manifest` to the images.yaml in the target repository.', {
      input: 'promoter-manifest',
    });
  }

  const title = inputs.string('title', { default: DEFAULT_TITLE });
  const body = inputs.string('body', { default: DEFAULT_BODY });
  checkTemplate(title, 'title');
  checkTemplate(body, 'body');
  const date = inputs.string('date') ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new UserError(`Input \`date\` is "${date}", not a YYYY-MM-DD date.`, 'Set `date` like 2026-07-22, or leave it empty for today.', { input: 'date' });

  const waitMerged = inputs.boolean('wait-merged', { default: false });
  const wait = waitMerged ? { timeoutMs: inputs.duration('merge-timeout', { default: 6 * 3600_000 }), intervalMs: inputs.duration('merge-poll-interval', { default: 30_000 }) } : undefined;

  return {
    owner,
    repo,
    base: inputs.string('base'),
    fork,
    name,
    tags,
    branchTemplate,
    manifest,
    edits,
    date,
    title,
    body,
    labels: inputs.list('labels', { commas: true }),
    reviewers: inputs.list('reviewers', { commas: true }).map((r) => r.replace(/^@/, '')),
    teamReviewers: inputs.list('team-reviewers', { commas: true }).map((t) => t.replace(/^@?[^/]+\//, '')),
    draft: inputs.boolean('draft', { default: false }),
    wait,
    token: inputs.string('token', { required: true }),
    waitToken: inputs.string('wait-token'),
    registryAuth: inputs.raw('registry-auth'),
    dockerConfig: inputs.string('docker-config'),
  };
}
