import type { ActionContext } from '@relkit/kit/action';
import { runGenRelnotes } from '@relkit/relnotes';
import { readInputs } from './inputs.js';

export async function mainStep(ctx: ActionContext): Promise<void> {
  const input = readInputs(ctx);
  const github = ctx.github({ token: input.token });
  const { doc, notes, markdown, json } = await runGenRelnotes({ rest: github.rest, graphql: github.graphql, writes: ctx.writes, log: ctx.log, warn: ctx.warn }, input, ctx.env);

  const prs = doc.entries.filter((e) => e.pr !== undefined);
  ctx.setOutput('notes', notes);
  ctx.setOutput('notes-file', input.outputFile);
  ctx.setOutput('json', json.trim());
  ctx.setOutput('previous-tag', doc.previous ?? '');
  ctx.setOutput('contributors', doc.contributors ?? []);
  ctx.setOutput('pr-count', prs.length);
  ctx.setOutput('commit-count', doc.commitCount);
  ctx.log(notes);
  ctx.summary
    .heading(`Release notes${doc.version ? ` for ${doc.version}` : ''}`, 2)
    .paragraph(`${doc.previous ?? '(start)'}..${doc.to}: ${doc.commitCount} commits, ${prs.length} pull requests, read from the ${doc.source}; ${github.requests.total} GitHub API request(s).`);
  ctx.summary.details('Notes', input.format === 'json' ? `\`\`\`json\n${json}\`\`\`` : markdown);
}
