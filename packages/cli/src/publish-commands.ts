import { appendFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ChangeClients } from '@relkit/changes';
import { createGitHubClients, SummaryBuilder, UserError, WritePath, writePlanSection } from '@relkit/kit';
import { moveReleaseTags, publishActionRepos, readPublishTrees, recordPinnedShas, releaseForTag, writePublishTrees, type PinnedSha, type TagOutcome } from '@relkit/publish';
import { actionsDirectory } from './actions-dir.js';
import { refuseUnknownFlags } from './args.js';

export const PACKAGE_USAGE = 'Usage: relkit package [--out DIR] [--archives] [--actions NAME,NAME]';
export const PUBLISH_USAGE = 'Usage: relkit publish-actions --version X.Y.Z [--trees DIR] [--owner OWNER] [--source REPO@SHA] [--notes-of OWNER/NAME] [--if-missing] [--mock]';
export const MOVE_TAGS_USAGE = 'Usage: relkit move-tags --version X.Y.Z [--repo OWNER/NAME] [--mock]';

const KNOWN: Record<string, string[]> = {
  package: ['out', 'archives', 'actions'],
  'publish-actions': ['version', 'trees', 'owner', 'source', 'notes-of', 'mock', 'token', 'if-missing'],
  'move-tags': ['version', 'repo', 'mock', 'token'],
};

/** Refuses unknown flags; prints the usage for --help, and then says the command is done (true). */
function helpOrCheck(command: string, flags: Map<string, string>, usage: string, print: (line: string) => void): boolean {
  refuseUnknownFlags(command, flags, KNOWN[command] ?? [], usage);
  if (flags.has('help')) print(usage);
  return flags.has('help');
}

function required(flags: Map<string, string>, name: string, usage: string): string {
  const value = flags.get(name);
  if (!value || value === 'true') throw new UserError(`relkit needs \`--${name}\`.`, usage, { input: name });
  return value;
}

/** `relkit package`: the tree each action's own repository holds at a release, under `--out` (default `publish/`). */
export function packageCommand(flags: Map<string, string>, print: (line: string) => void): number {
  if (helpOrCheck('package', flags, PACKAGE_USAGE, print)) return 0;
  const root = dirname(actionsDirectory());
  const out = resolve(flags.get('out') ?? 'publish');
  const actions = flags
    .get('actions')
    ?.split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const packaged = writePublishTrees(root, out, { archives: flags.has('archives'), ...(actions ? { actions } : {}) });
  for (const action of packaged) {
    const bytes = action.files.reduce((n, f) => n + f.contents.length, 0);
    print(`${action.name}: ${action.files.length} files, ${(bytes / 1024).toFixed(0)} KiB → ${resolve(out, action.name)}${action.archive ? ` (+ ${action.archive})` : ''}`);
  }
  return 0;
}

function clientsFor(flags: Map<string, string>, print: (line: string) => void): ChangeClients & { writes: WritePath } {
  const token = flags.get('token') ?? process.env.GITHUB_TOKEN ?? process.env.GH_TOKEN ?? '';
  const github = createGitHubClients({ token, log: print });
  const writes = new WritePath({ mock: flags.has('mock') && flags.get('mock') !== 'false', log: print });
  return { rest: github.rest, graphql: github.graphql, writes, log: print };
}

function tagCell(tags: TagOutcome[]): string {
  return tags.map((t) => `${t.tag} ${t.status}${t.note ? ` (${t.note})` : ''}`).join(', ');
}

function appendSummary(markdown: string): void {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, markdown);
}

/** `relkit publish-actions`: each publish tree committed to its repository and tagged. */
export async function publishActionsCommand(flags: Map<string, string>, print: (line: string) => void): Promise<number> {
  if (helpOrCheck('publish-actions', flags, PUBLISH_USAGE, print)) return 0;
  const version = required(flags, 'version', PUBLISH_USAGE);
  const trees = readPublishTrees(resolve(flags.get('trees') ?? 'publish'));
  const owner = flags.get('owner') ?? 'relkit';
  const source = flags.get('source') ?? (process.env.GITHUB_REPOSITORY && process.env.GITHUB_SHA ? `${process.env.GITHUB_REPOSITORY}@${process.env.GITHUB_SHA}` : undefined);
  const notesOf = flags.get('notes-of');
  if (notesOf !== undefined && !/^[^/\s]+\/[^/\s]+$/.test(notesOf))
    throw new UserError(`\`--notes-of ${notesOf}\` is not OWNER/NAME.`, 'Pass the repository whose release lists the SHAs, e.g. --notes-of relkit/relkit.', { input: 'notes-of' });
  const tag = `v${version.replace(/^v/, '')}`;
  const clients = clientsFor(flags, print);
  const release = notesOf ? await releaseForTag(clients, notesOf, tag) : undefined;
  const ifMissing = flags.has('if-missing') && flags.get('if-missing') !== 'false';
  const outcomes = await publishActionRepos(clients, { owner, version, trees, ifMissing, ...(source ? { source } : {}) });
  // The release's notes list every commit, so users can pin `uses:` by SHA.
  if (notesOf) {
    const workflowSha = source?.startsWith(`${notesOf}@`) ? source.slice(notesOf.length + 1) : undefined;
    const pins: PinnedSha[] = [...outcomes.map((o) => ({ uses: o.repository, sha: o.commit })), { uses: `${notesOf}/.github/workflows/release.yml`, sha: workflowSha }];
    await recordPinnedShas(clients, notesOf, tag, release, pins);
  }
  const summary = new SummaryBuilder().heading(`Published actions v${version.replace(/^v/, '')}${clients.writes.mock ? ' (mock)' : ''}`).table(
    ['Repository', 'Commit', 'Files changed / deleted', 'Tags'],
    outcomes.map((o) => [o.repository, o.commit ? `${o.commit.slice(0, 12)} (${o.status})` : o.status, `${o.changed} / ${o.deleted}`, tagCell(o.tags)]),
  );
  for (const o of outcomes) print(`${o.repository}: ${o.status}${o.commit ? ` ${o.commit}` : ''}; ${tagCell(o.tags)}`);
  appendSummary(summary.toMarkdown() + writePlanSection(clients.writes.writes, clients.writes.mock).toMarkdown());
  return 0;
}

/** `relkit move-tags`: `vX` and `vX.Y` of a repository moved to its published `vX.Y.Z`. */
export async function moveTagsCommand(flags: Map<string, string>, print: (line: string) => void): Promise<number> {
  if (helpOrCheck('move-tags', flags, MOVE_TAGS_USAGE, print)) return 0;
  const version = required(flags, 'version', MOVE_TAGS_USAGE);
  const repository = flags.get('repo') ?? process.env.GITHUB_REPOSITORY ?? '';
  if (!/^[^/\s]+\/[^/\s]+$/.test(repository))
    throw new UserError(`\`${repository || '(none)'}\` is not a repository OWNER/NAME.`, 'Pass --repo OWNER/NAME (or set GITHUB_REPOSITORY).', { input: 'repo' });
  const clients = clientsFor(flags, print);
  const tags = await moveReleaseTags(clients, repository, version);
  print(`${repository}: ${tagCell(tags)}`);
  appendSummary(
    new SummaryBuilder()
      .heading(`Release tags of ${repository}`)
      .list(tags.map((t) => `${t.tag}: ${t.status}${t.sha ? ` at ${t.sha.slice(0, 12)}` : ''}${t.note ? ` (${t.note})` : ''}`))
      .toMarkdown() + writePlanSection(clients.writes.writes, clients.writes.mock).toMarkdown(),
  );
  return 0;
}
