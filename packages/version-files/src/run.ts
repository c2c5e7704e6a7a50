import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { checkoutHead, commitFiles, proposeChanges, type CommitOutcome, type ProposalOutcome } from '@relkit/changes';
import { UserError, type GitHubClients, type WritePath } from '@relkit/kit';
import { highestTag } from './tags.js';
import { planBump, type BumpPlan, type CurrentVersionSource } from './plan.js';
import { expandPreset } from './presets.js';
import type { SpecEntry } from './spec.js';
import { templateVars, renderTemplate, type Bump } from './version.js';
import { workspaceFiles } from './file-source.js';
import { writeFilesAtomically } from './write-files.js';

/** What bump-version-files was asked, every input already checked (actions/bump-version-files/src/inputs.ts). */
export interface BumpInputs {
  version: string | undefined;
  bump: Bump | undefined;
  preid: string | undefined;
  currentFrom: { kind: 'files' } | { kind: 'tag' } | { kind: 'none' } | { kind: 'spec'; entries: SpecEntry[]; label: string };
  tagPrefix: string;
  files: SpecEntry[];
  presets: string[];
  date: string;
  allowDowngrade: boolean;
  /** The repository checkout (GITHUB_WORKSPACE). */
  repoRoot: string;
  /** Where spec paths start, inside repoRoot. */
  root: string;
  commit: 'none' | 'branch' | 'pull-request';
  branch: string | undefined;
  base: string | undefined;
  prBranch: string;
  commitMessage: string;
  prTitle: string | undefined;
  prBody: string | undefined;
  labels: string[];
  expectedHead: string | undefined;
  /** Workspace files committed along with the version edits: repository-relative path, and the checked real path to read. */
  include: Array<{ path: string; real: string }>;
  token: string | undefined;
  owner: string;
  repo: string;
}

/** What a bump talks to: GitHub (made on demand, for the token the request names), the write path, the log. */
export interface BumpClients {
  github: (token: string) => Pick<GitHubClients, 'rest' | 'graphql'>;
  writes: WritePath;
  log: (message: string) => void;
  warn: (message: string) => void;
}

export interface BumpOutcome {
  plan: BumpPlan;
  /** Paths the bump changed, relative to `root`. */
  changed: string[];
  commit?: CommitOutcome;
  proposal?: ProposalOutcome;
  /** What a preset could not do (a release hook it does not run). */
  notes: string[];
}

async function currentSource(clients: BumpClients, input: BumpInputs): Promise<CurrentVersionSource> {
  switch (input.currentFrom.kind) {
    case 'files':
    case 'none':
    case 'spec':
      return input.currentFrom;
    case 'tag': {
      const { rest } = clients.github(input.token ?? '');
      const found = await highestTag(rest, input.owner, input.repo, input.tagPrefix);
      return { kind: 'value', version: found?.version, label: found ? `tag ${found.tag}` : `tags ${input.tagPrefix}X.Y.Z (none found)` };
    }
  }
}

/**
 * bump-version-files: plan every edit, commit it (to a branch or as a pull request) when asked,
 * then write the checkout. Everything is resolved before the first write, so a bad input changes
 * nothing; the checkout is written last, so a re-run after a failed commit plans the same edits.
 */
export async function runBumpVersionFiles(clients: BumpClients, input: BumpInputs, env: NodeJS.ProcessEnv): Promise<BumpOutcome> {
  const source = workspaceFiles(input.root);
  const expanded = await Promise.all(input.presets.map((p) => expandPreset(source, p)));
  const entries = [...expanded.flatMap((e) => e.entries), ...input.files];
  // What a preset could not do (a release hook it does not run) is said before anything else.
  const notes = expanded.flatMap((e) => e.notes);
  for (const note of notes) clients.warn(note);
  const plan = await planBump({
    source,
    entries,
    version: input.version,
    bump: input.bump,
    preid: input.preid,
    current: await currentSource(clients, input),
    tagPrefix: input.tagPrefix,
    date: input.date,
    allowDowngrade: input.allowDowngrade,
  });
  const vars = templateVars(plan.version, { tagPrefix: input.tagPrefix, previous: plan.previous, date: input.date });
  const changed = plan.files.map((f) => f.path);

  clients.log(`Version ${plan.previous?.version ?? '(unknown)'} → ${plan.version.version}: ${changed.length} file(s) to change.`);
  if (clients.writes.mock) for (const file of plan.files) clients.log(file.diff);

  // Resolve everything the commit needs before the first write, so a bad input changes nothing.
  const prefix = relative(input.repoRoot, input.root).split('\\').join('/');
  const repoFiles = plan.files.map((f) => ({ path: prefix ? `${prefix}/${f.path}` : f.path, contents: f.after }));
  // Files another step wrote (a changelog section) ride along; the version edits win on the same path.
  for (const { path, real } of input.include) if (!repoFiles.some((f) => f.path === path)) repoFiles.push({ path, contents: await readFile(real) });
  const [headline = '', ...rest] = renderTemplate(input.commitMessage, vars).split('\n');
  const message = { headline, ...(rest.join('\n').trim() ? { body: rest.join('\n').trim() } : {}) };
  let expectedHead: string | undefined;
  let github: Pick<GitHubClients, 'rest' | 'graphql'> | undefined;
  let target: string | undefined;
  if (input.commit !== 'none' && (changed.length > 0 || input.include.length > 0)) {
    expectedHead = input.expectedHead ?? (await checkoutHead(input.repoRoot)) ?? env.GITHUB_SHA;
    if (!expectedHead) {
      throw new UserError(
        'Cannot tell which commit the checkout is at: the workspace is not a git checkout and GITHUB_SHA is not set.',
        'Set `expected-head-sha` to the commit the files were checked out from.',
        { input: 'expected-head-sha' },
      );
    }
    github = clients.github(input.token ?? '');
    target = input.commit === 'branch' ? input.branch : input.base;
    if (!target) {
      const { data } = await github.rest.rest.repos.get({ owner: input.owner, repo: input.repo });
      target = data.default_branch;
    }
  }

  const outcome: BumpOutcome = { plan, changed, notes };
  if (github && expectedHead && target) {
    const changeClients = { rest: github.rest, graphql: github.graphql, writes: clients.writes, log: clients.log };
    if (input.commit === 'branch') {
      outcome.commit = await commitFiles(changeClients, { owner: input.owner, repo: input.repo, branch: target, expectedHead, message, files: repoFiles, createBranch: true });
    } else {
      const fileList = changed.map((p) => `- \`${p}\``).join('\n');
      outcome.proposal = await proposeChanges(changeClients, {
        owner: input.owner,
        repo: input.repo,
        base: target,
        branch: renderTemplate(input.prBranch, vars),
        startPoint: expectedHead,
        message,
        files: repoFiles,
        title: input.prTitle ? renderTemplate(input.prTitle, vars) : headline,
        body: input.prBody
          ? renderTemplate(input.prBody, vars)
          : `Sets version ${plan.version.version}${plan.previous ? ` (was ${plan.previous.version})` : ''} in ${changed.length} file(s):\n\n${fileList}\n\n_Opened by relkit/bump-version-files; re-running it updates this pull request._`,
        labels: input.labels,
      });
    }
  }

  // The checkout is written last: if the commit or the pull request fails, a re-run in the same
  // workspace still sees the old versions, plans the same edits and completes what was left.
  await writeFilesAtomically(input.root, plan.files, clients.writes);

  return outcome;
}
