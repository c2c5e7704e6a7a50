import type { ActionContext } from '@relkit/kit/action';
import { collectCredentials, RegistryClient } from '@relkit/oci';
import { runPromotion, type PromotionResult } from '@relkit/promotion';
import { readInputs, renderBranch } from './inputs.js';

const DIFF_LIMIT = 60_000;

function summarize(ctx: ActionContext, result: PromotionResult, branch: string): void {
  const { summary } = ctx;
  const mock = ctx.writes.mock;
  const pr = result.pullRequest;
  summary.heading(`Promotion pull request${mock ? ' (mock)' : ''}: ${result.operation}`, 2);
  const rows: Array<[string, string]> = [
    ['Pull request', pr ? `[#${pr.number}](${pr.url})${pr.state === 'merged' ? ' (merged)' : ''}` : result.files.length > 0 ? `would open: ${result.title}` : 'none needed'],
    ['Operation', `${result.operation}${mock && result.files.length > 0 ? ' (planned, nothing sent)' : ''}`],
    ['Branch', `\`${result.headRepository}:${branch}\` → \`${result.base}\` at \`${result.baseSha.slice(0, 12)}\``],
  ];
  if (result.merged !== undefined) rows.push(['Merged', result.merged ? 'yes' : 'no']);
  summary.table(['', ''], rows);
  if (result.digests.length > 0) {
    summary.table(
      ['Image', 'Tag', 'Digest', 'From', 'Manifest'],
      result.digests.map((d) => {
        const change = result.manifestChanges.find((c) => c.image === d.image && c.tags.includes(d.tag));
        return [`\`${d.image}\``, d.tag, `\`${d.digest}\``, d.from, change ? change.kind.replace('-', ' ') : 'already promoted'];
      }),
    );
  }
  const diff = result.files.map((f) => f.diff).join('');
  if (diff)
    summary.details(
      `Diff (${result.files.length} file${result.files.length === 1 ? '' : 's'})`,
      `\`\`\`diff\n${diff.length > DIFF_LIMIT ? `${diff.slice(0, DIFF_LIMIT)}\n… (truncated)` : diff}\`\`\``,
    );
  else summary.paragraph('Every promotion is already on the base branch: nothing to change.');
}

export async function mainStep(ctx: ActionContext): Promise<void> {
  const input = readInputs(ctx);
  const branch = renderBranch(input.branchTemplate, { name: input.name, tag: input.tags[0] });
  let registry: RegistryClient | undefined;
  if (input.manifest) {
    const { store, configPath, fromConfig } = await collectCredentials({ registryAuth: input.registryAuth, dockerConfig: input.dockerConfig, env: ctx.env });
    for (const secret of store.secrets()) ctx.mask(secret);
    if (configPath) ctx.log(`Using ${fromConfig} registry credential(s) from ${configPath}.`);
    registry = new RegistryClient({ credentials: store, userAgent: 'relkit/promote-pr' });
  }
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = ctx.env;
  const github = ctx.github({ token: input.token });
  const result = await runPromotion(
    { rest: github.rest, graphql: github.graphql, writes: ctx.writes, log: ctx.log },
    {
      owner: input.owner,
      repo: input.repo,
      base: input.base,
      fork: input.fork,
      name: input.name,
      tags: input.tags,
      branch,
      manifest: input.manifest && registry ? { ...input.manifest, registry } : undefined,
      edits: input.edits ? { entries: input.edits, date: input.date } : undefined,
      title: input.title,
      body: input.body,
      labels: input.labels,
      reviewers: input.reviewers,
      teamReviewers: input.teamReviewers,
      draft: input.draft,
      runUrl: server && repository && runId ? `${server}/${repository}/actions/runs/${runId}` : 'a local run',
      wait: input.wait && input.waitToken && input.waitToken !== input.token ? { ...input.wait, graphql: ctx.github({ token: input.waitToken }).graphql } : input.wait,
    },
  );
  if (ctx.writes.mock && result.files.length > 0)
    ctx.log(`Would ${result.operation === 'created' ? 'open' : 'update'} "${result.title}" from ${result.headRepository}:${branch} into ${input.owner}/${input.repo}@${result.base}.`);
  ctx.setOutput('pull-request-number', result.pullRequest?.number ?? '');
  ctx.setOutput('pull-request-url', result.pullRequest?.url ?? '');
  ctx.setOutput('operation', result.operation);
  ctx.setOutput('branch', branch);
  ctx.setOutput('head-sha', result.proposal?.commit.sha ?? '');
  ctx.setOutput('digests', Object.fromEntries(result.digests.map((d) => [`${d.image}:${d.tag}`, d.digest])));
  if (input.wait) ctx.setOutput('merged', result.merged ?? false);
  summarize(ctx, result, branch);
}
