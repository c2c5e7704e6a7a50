import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { checkoutHead, commitFiles, proposeChanges, type CommitOutcome, type ProposalOutcome } from '@relkit/changes';
import { UserError } from '@relkit/kit';
import type { ActionContext } from '@relkit/kit/action';
import { expandPreset, highestTag, workspaceFiles, planBump, renderTemplate, templateVars, writeFilesAtomically, type BumpPlan, type CurrentVersionSource } from '@relkit/version-files';
import type { BumpInputs } from './inputs.js';

const DIFF_LIMIT = 60_000;

async function currentSource(ctx: ActionContext, input: BumpInputs): Promise<CurrentVersionSource> {
  switch (input.currentFrom.kind) {
    case 'files':
    case 'none':
      return input.currentFrom;
    case 'spec':
      return input.currentFrom;
    case 'tag': {
      const { rest } = ctx.github({ token: input.token! });
      const found = await highestTag(rest, input.owner, input.repo, input.tagPrefix);
      return { kind: 'value', version: found?.version, label: found ? `tag ${found.tag}` : `tags ${input.tagPrefix}X.Y.Z (none found)` };
    }
  }
}

function summarize(ctx: ActionContext, input: BumpInputs, plan: BumpPlan, outcome: { commit?: CommitOutcome; proposal?: ProposalOutcome }, notes: string[]): void {
  const { summary } = ctx;
  summary.heading(`Bump to ${plan.version.version}${plan.previous ? ` (from ${plan.previous.version})` : ''}${ctx.writes.mock ? ' (mock)' : ''}`, 2);
  for (const note of notes) summary.paragraph(`⚠️ ${note}`);
  const rows: Array<[string, string]> = [
    ['Version', `\`${plan.version.version}\`${plan.version.prerelease.length ? ' (pre-release)' : ''}`],
    ['Previous', plan.previous ? `\`${plan.previous.version}\` from ${plan.previousSource}` : `unknown${plan.previousSource ? ` (nothing in ${plan.previousSource})` : ''}`],
    ['Tag', `\`${plan.tag}\``],
    ['Files', `${plan.files.length} changed of ${plan.examined} read; ${plan.found} place(s) found`],
  ];
  if (input.include.length > 0) rows.push(['Included', input.include.map((p) => `\`${p.path}\``).join(', ')]);
  const commit = outcome.commit ?? outcome.proposal?.commit;
  if (commit) rows.push(['Commit', commit.status === 'planned' ? 'planned (mock)' : `\`${commit.sha?.slice(0, 12)}\` ${commit.status === 'already-present' ? '(already there: nothing new committed)' : '(signed by GitHub)'}`]);
  if (outcome.proposal) {
    const pr = outcome.proposal.pullRequest;
    rows.push(['Pull request', pr.number !== undefined ? `[#${pr.number}](${pr.url}) ${pr.status}` : `${pr.status} (mock)`]);
  }
  summary.table(['', ''], rows);
  const changes = plan.files.flatMap((f) => f.changes.map((c) => [`\`${f.path}\``, String(c.line), `\`${c.selector}\``, `\`${c.from}\` → \`${c.to}\``]));
  if (changes.length > 0) summary.table(['File', 'Line', 'Selector', 'Change'], changes.slice(0, 200));
  if (changes.length > 200) summary.paragraph(`… and ${changes.length - 200} more changes.`);
  let diff = '';
  for (const file of plan.files) {
    if (diff.length > DIFF_LIMIT) break;
    diff += file.diff;
  }
  if (diff) summary.details(`Diff (${plan.files.length} file${plan.files.length === 1 ? '' : 's'})`, `\`\`\`diff\n${diff.length > DIFF_LIMIT ? `${diff.slice(0, DIFF_LIMIT)}\n… (truncated)` : diff}\`\`\``);
  else summary.paragraph(`Every file already has ${plan.version.version}: nothing to change.`);
}

export async function runBump(ctx: ActionContext, input: BumpInputs, env: NodeJS.ProcessEnv): Promise<void> {
  const source = workspaceFiles(input.root);
  const expanded = await Promise.all(input.presets.map((p) => expandPreset(source, p)));
  const entries = [...expanded.flatMap((e) => e.entries), ...input.files];
  // What a preset could not do (a release hook it does not run) is said before anything else.
  const notes = expanded.flatMap((e) => e.notes);
  for (const note of notes) ctx.warn(note);
  const plan = await planBump({
    source,
    entries,
    version: input.version,
    bump: input.bump,
    preid: input.preid,
    current: await currentSource(ctx, input),
    tagPrefix: input.tagPrefix,
    date: input.date,
    allowDowngrade: input.allowDowngrade,
  });
  const vars = templateVars(plan.version, { tagPrefix: input.tagPrefix, previous: plan.previous, date: input.date });
  const changed = plan.files.map((f) => f.path);

  ctx.log(`Version ${plan.previous?.version ?? '(unknown)'} → ${plan.version.version}: ${changed.length} file(s) to change.`);
  if (ctx.writes.mock) for (const file of plan.files) ctx.log(file.diff);

  // Resolve everything the commit needs before the first write, so a bad input changes nothing.
  const prefix = relative(input.repoRoot, input.root).split('\\').join('/');
  const repoFiles = plan.files.map((f) => ({ path: prefix ? `${prefix}/${f.path}` : f.path, contents: f.after }));
  // Files another step wrote (a changelog section) ride along; the version edits win on the same path.
  for (const { path, real } of input.include) if (!repoFiles.some((f) => f.path === path)) repoFiles.push({ path, contents: await readFile(real) });
  const [headline = '', ...rest] = renderTemplate(input.commitMessage, vars).split('\n');
  const message = { headline, ...(rest.join('\n').trim() ? { body: rest.join('\n').trim() } : {}) };
  let expectedHead: string | undefined;
  let clients: ReturnType<ActionContext['github']> | undefined;
  let target: string | undefined;
  if (input.commit !== 'none' && (changed.length > 0 || input.include.length > 0)) {
    expectedHead = input.expectedHead ?? (await checkoutHead(input.repoRoot)) ?? env.GITHUB_SHA;
    if (!expectedHead) {
      throw new UserError('Cannot tell which commit the checkout is at: the workspace is not a git checkout and GITHUB_SHA is not set.', 'Set `expected-head-sha` to the commit the files were checked out from.', { input: 'expected-head-sha' });
    }
    clients = ctx.github({ token: input.token! });
    target = input.commit === 'branch' ? input.branch : input.base;
    if (!target) {
      const { data } = await clients.rest.rest.repos.get({ owner: input.owner, repo: input.repo });
      target = data.default_branch;
    }
  }

  const outcome: { commit?: CommitOutcome; proposal?: ProposalOutcome } = {};
  if (clients && expectedHead && target) {
    const changeClients = { rest: clients.rest, graphql: clients.graphql, writes: ctx.writes, log: ctx.log };
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
  await writeFilesAtomically(input.root, plan.files, ctx.writes);

  const commit = outcome.commit ?? outcome.proposal?.commit;
  ctx.setOutput('version', plan.version.version);
  ctx.setOutput('previous-version', plan.previous?.version ?? '');
  ctx.setOutput('tag', plan.tag);
  ctx.setOutput('prerelease', plan.version.prerelease.length > 0);
  ctx.setOutput('changed', changed.length > 0 || commit?.status === 'committed');
  ctx.setOutput('changed-files', changed);
  ctx.setOutput('commit-sha', commit?.sha ?? '');
  ctx.setOutput('pull-request-number', outcome.proposal?.pullRequest.number ?? '');
  ctx.setOutput('pull-request-url', outcome.proposal?.pullRequest.url ?? '');
  summarize(ctx, input, plan, outcome, notes);
}
