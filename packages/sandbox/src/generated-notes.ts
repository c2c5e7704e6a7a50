import { parse } from 'yaml';
import { HttpError, notFound } from './http.js';
import { fullName, type PullRequest, type Release, type Repository } from './model.js';
import { resolveCommitish } from './repo-ops.js';

/**
 * GitHub's automatically generated release notes, configured by `.github/release.yml` as
 * https://docs.github.com/en/repositories/releasing-projects-on-github/automatically-generated-release-notes
 * describes: `changelog.exclude.labels` / `.authors` drop pull requests; each pull request goes to
 * the first category whose `labels` it carries (`*` matches any pull request) and whose own
 * `exclude` does not drop it; a pull request that fits no category is left out.
 */
interface Exclusions {
  labels?: string[];
  authors?: string[];
}
interface Category {
  title: string;
  labels: string[];
  exclude?: Exclusions;
}
interface ChangelogConfig {
  exclude?: Exclusions;
  categories?: Category[];
}

export const DEFAULT_CONFIG_PATHS = ['.github/release.yml', '.github/release.yaml'];

function fileAt(repo: Repository, commit: string, path: string): string | undefined {
  const tree = repo.objects.commit(commit)?.tree;
  const entry = tree ? repo.objects.entryAt(tree, path) : undefined;
  return entry ? repo.objects.blob(entry.sha)?.toString('utf8') : undefined;
}

/** The configuration at the target commit: the path asked for, else release.yml or release.yaml; none means the default notes. */
function readConfig(repo: Repository, commit: string, configPath: string | undefined): { path: string; config: ChangelogConfig } | undefined {
  const paths = configPath ? [configPath] : DEFAULT_CONFIG_PATHS;
  for (const path of paths) {
    const text = fileAt(repo, commit, path);
    if (text === undefined) continue;
    let doc: unknown;
    try {
      doc = parse(text);
    } catch (error) {
      throw new HttpError(422, `Unable to parse ${path}: ${(error as Error).message}`);
    }
    const changelog = (doc as { changelog?: ChangelogConfig } | null)?.changelog ?? {};
    const lists = (exclude: unknown, where: string) => {
      for (const key of ['labels', 'authors'] as const) {
        const list = (exclude as Exclusions | undefined)?.[key];
        if (list !== undefined && (!Array.isArray(list) || list.some((item) => typeof item !== 'string'))) throw new HttpError(422, `${path}: ${where}.${key} must be a list of names.`);
      }
    };
    lists(changelog.exclude, 'changelog.exclude');
    if (changelog.categories !== undefined && !Array.isArray(changelog.categories)) throw new HttpError(422, `${path}: changelog.categories must be a list.`);
    for (const [i, category] of (changelog.categories ?? []).entries()) {
      if (typeof category?.title !== 'string' || !Array.isArray(category.labels)) throw new HttpError(422, `${path}: changelog.categories[${i}] needs a title and labels.`);
      lists(category.exclude, `changelog.categories[${i}].exclude`);
    }
    return { path, config: changelog };
  }
  // A configuration_file_path that names no file is the caller's mistake; GitHub answers 404.
  if (configPath) throw notFound();
  return undefined;
}

const hasLabel = (pull: PullRequest, labels: string[] | undefined) => (labels ?? []).some((label) => label === '*' || pull.labels.includes(label));
const byAuthor = (pull: PullRequest, authors: string[] | undefined) => (authors ?? []).some((author) => author === '*' || author.toLowerCase() === pull.user.toLowerCase());
const excluded = (pull: PullRequest, exclude: Exclusions | undefined) => hasLabel(pull, exclude?.labels) || byAuthor(pull, exclude?.authors);

export interface NotesRequest {
  tagName: string;
  target: string;
  previousTag: string | undefined;
  configurationFilePath: string | undefined;
}

/** Without previous_tag_name: the newest published full release other than this tag (the repository's "Latest" when it is one). */
function previousRelease(repo: Repository, tagName: string): Release | undefined {
  const candidates = repo.releases.filter((r) => !r.draft && !r.prerelease && r.tagName !== tagName);
  return candidates.find((r) => r.id === repo.latestReleaseId) ?? candidates.sort((a, b) => ((a.publishedAt ?? '') < (b.publishedAt ?? '') ? 1 : -1))[0];
}

export function generateNotes(htmlUrl: string, repo: Repository, request: NotesRequest): { name: string; body: string } {
  const head = resolveCommitish(repo, request.tagName) ?? resolveCommitish(repo, request.target);
  if (!head) throw notFound();
  const previous = request.previousTag ?? previousRelease(repo, request.tagName)?.tagName;
  const previousSha = previous ? resolveCommitish(repo, previous) : undefined;
  if (request.previousTag && !previousSha) throw new HttpError(422, `Previous tag '${request.previousTag}' does not exist.`);
  const shas = new Set(repo.objects.log(head, previousSha ? [previousSha] : []).map((c) => c.sha));
  const merged = repo.pulls.filter((p) => p.mergeCommitSha !== null && shas.has(p.mergeCommitSha)).sort((a, b) => a.number - b.number);
  const configured = readConfig(repo, head, request.configurationFilePath);
  const kept = merged.filter((p) => !excluded(p, configured?.config.exclude));
  const line = (p: PullRequest) => `* ${p.title} by @${p.user} in ${htmlUrl}/${fullName(repo)}/pull/${p.number}`;

  const lines: string[] = [];
  let listed = kept;
  if (configured) lines.push(`<!-- Release notes generated using configuration in ${configured.path} at ${request.target} -->`, '');
  const categories = configured?.config.categories;
  if (categories && categories.length > 0) {
    const placed = new Map<Category, PullRequest[]>(categories.map((c) => [c, []]));
    for (const pull of kept) {
      const category = categories.find((c) => hasLabel(pull, c.labels) && !excluded(pull, c.exclude));
      if (category) placed.get(category)?.push(pull);
    }
    listed = [...placed.values()].flat().sort((a, b) => a.number - b.number);
    if (listed.length > 0) lines.push("## What's Changed");
    for (const [category, pulls] of placed) if (pulls.length > 0) lines.push(`### ${category.title}`, ...pulls.map(line));
  } else if (kept.length > 0) {
    lines.push("## What's Changed", ...kept.map(line));
  }
  const earlier = new Set(repo.pulls.filter((p) => p.mergeCommitSha !== null && !shas.has(p.mergeCommitSha)).map((p) => p.user));
  // New contributors are counted among the pull requests the notes list.
  const newcomers = listed.filter((p, i) => !earlier.has(p.user) && listed.findIndex((q) => q.user === p.user) === i);
  if (newcomers.length > 0) lines.push('', '## New Contributors', ...newcomers.map((p) => `* @${p.user} made their first contribution in ${htmlUrl}/${fullName(repo)}/pull/${p.number}`));
  lines.push('', `**Full Changelog**: ${htmlUrl}/${fullName(repo)}/${previous ? `compare/${previous}...${request.tagName}` : `commits/${request.tagName}`}`);
  return { name: request.tagName, body: lines.join('\n').replace(/^\n+/, '') };
}
