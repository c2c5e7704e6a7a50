import { explainGitHubError, UserError } from '@relkit/kit';
import type { TagClients as Clients } from './release-tags.js';

const START = '<!-- relkit:pinned-shas -->';
const END = '<!-- /relkit:pinned-shas -->';

export interface PinnedSha {
  /** What to write in `uses:` before the `@`: `relkit/lock-branch`, `relkit/relkit/.github/workflows/release.yml`. */
  uses: string;
  sha: string | undefined;
}

/** The "pin by SHA" section of the notes: every action and the workflow at this release's commit. */
function pinnedShasSection(tag: string, pins: PinnedSha[]): string {
  const rows = pins.map((p) => `| \`${p.uses}\` | ${p.sha ? `\`${p.uses}@${p.sha} # ${tag}\`` : '(planned)'} |`);
  return [
    START,
    '## Pin by commit SHA',
    '',
    `\`@${tag}\` and the moving tags name these commits; pinning the SHA keeps a workflow on exactly this code.`,
    '',
    '| uses | pinned |',
    '| --- | --- |',
    ...rows,
    END,
  ].join('\n');
}

/** The body with the section in place of an earlier one (a re-run), else appended. */
function withPinnedShas(body: string, section: string): string {
  const start = body.indexOf(START);
  const end = body.indexOf(END);
  if (start !== -1 && end > start) return body.slice(0, start) + section + body.slice(end + END.length);
  return `${body.replace(/\s+$/, '')}${body.trim() ? '\n\n' : ''}${section}\n`;
}

/**
 * The release of `tag` (drafts first: get-release-by-tag cannot see them, and the release is a
 * draft until it is published). Missing is an error, except in mock mode.
 */
export async function releaseForTag(clients: Clients, repository: string, tag: string): Promise<{ id: number; body?: string | null } | undefined> {
  const [owner, repo] = repository.split('/') as [string, string];
  const releases = await clients.rest.paginate(clients.rest.rest.repos.listReleases, { owner, repo, per_page: 100 }).catch((error: unknown) => {
    throw explainGitHubError(error, `list the releases of ${repository}`, 'contents: write');
  });
  const release = releases.filter((r) => r.tag_name === tag).sort((a, b) => Number(b.draft) - Number(a.draft) || a.id - b.id)[0];
  if (!release) {
    if (clients.writes.mock) {
      clients.log(`${repository} has no release ${tag} yet (mock): the pinned SHAs would go into its notes.`);
      return undefined;
    }
    throw new UserError(`${repository} has no release ${tag} to list the pinned SHAs in.`, 'Draft the release first (release.yml with publish: false), then publish the actions.', {
      input: 'notes-of',
    });
  }
  return release;
}

/** Writes the pinned SHAs into the notes of `release` (found by releaseForTag before anything was written). */
export async function recordPinnedShas(clients: Clients, repository: string, tag: string, release: { id: number; body?: string | null } | undefined, pins: PinnedSha[]): Promise<void> {
  if (!release) return;
  const [owner, repo] = repository.split('/') as [string, string];
  const body = withPinnedShas(release.body ?? '', pinnedShasSection(tag, pins));
  if (body === release.body) {
    clients.log(`${repository} ${tag}: the notes already list these SHAs.`);
    return;
  }
  await clients.writes
    .perform({ method: 'PATCH', target: `/repos/${owner}/${repo}/releases/${release.id}`, summary: `list the pinned SHAs of ${pins.length} repositories in the notes of ${tag}` }, () =>
      clients.rest.rest.repos.updateRelease({ owner, repo, release_id: release.id, body }),
    )
    .catch((error: unknown) => {
      throw explainGitHubError(error, `update the notes of ${repository} ${tag}`, 'contents: write');
    });
}
