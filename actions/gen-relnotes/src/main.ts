import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { confinePath, runnerTempRoot, UserError, workspaceRoot } from '@relkit/kit';
import { runAction } from '@relkit/kit/action';
import { defaultConfig, generateNotes, localCloneOf, parseNotesConfig, readRepositoryConfig, renderJson, renderKeepAChangelog, renderMarkdown, writeChangelog, type NotesConfig } from '@relkit/relnotes';

await runAction(async (ctx) => {
  const { inputs } = ctx;
  const { owner, repo } = inputs.repository(process.env)!;
  const repository = `${owner}/${repo}`;
  const format = inputs.oneOf('format', ['markdown', 'keep-a-changelog', 'json'] as const, { default: 'markdown' });
  const date = inputs.string('date') ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new UserError(`Input \`date\` is "${date}", not YYYY-MM-DD.`, 'Set `date` like 2026-07-22, or leave it empty for today.', { input: 'date' });
  const version = inputs.string('version');
  const to = inputs.string('to') ?? process.env.GITHUB_SHA;
  if (!to) throw new UserError('Input `to` is empty and GITHUB_SHA is not set.', 'Set `to` to the release commit, tag or branch.', { input: 'to' });
  const root = workspaceRoot(process.env);
  const workspace = root.path;
  const token = inputs.string('token', { required: true });
  const changelogFile = inputs.string('changelog-file');
  if (changelogFile && !version) throw new UserError('`changelog-file` needs `version` to name the section.', 'Set `version`, e.g. 4.2.0.', { input: 'version' });
  // Every path is checked before the first request and the first write: the changelog is committed
  // from the checkout, the notes file may also go to RUNNER_TEMP (its default).
  const changelogPath = changelogFile ? confinePath(changelogFile, { input: 'changelog-file', roots: [root], kind: 'output' }).real : undefined;
  const outputInput = inputs.string('output-file');
  const outputFile = outputInput
    ? confinePath(outputInput, { input: 'output-file', roots: [root, ...runnerTempRoot(process.env)], kind: 'output' }).real
    : join(process.env.RUNNER_TEMP ?? workspace, `relkit-notes-${process.env.GITHUB_RUN_ID ?? process.pid}.${format === 'json' ? 'json' : 'md'}`);
  const configPath = inputs.string('config');
  const foundConfig = ['.github/release.yml', '.github/release.yaml'].find((p) => existsSync(join(workspace, p)));
  const localConfig = configPath ?? foundConfig;
  const configFile = localConfig ? confinePath(localConfig, { input: 'config', roots: [root], kind: 'file', what: 'a release.yml' }).real : undefined;
  const clients = ctx.github({ token });
  const clone = await localCloneOf(workspace, owner, repo, process.env);

  let config: NotesConfig;
  if (configFile) {
    const text = await readFile(configFile, 'utf8').catch(() => {
      throw new UserError(`Input \`config\`: ${localConfig} cannot be read.`, 'Give the path of a release.yml relative to the workspace, or leave `config` empty.', { input: 'config' });
    });
    config = parseNotesConfig(configPath ?? '.github/release.yml', text);
  } else {
    const remote = await readRepositoryConfig(clients.rest, { owner, repo }, to);
    config = remote ? parseNotesConfig(`${repository}:.github/release.yml`, remote) : defaultConfig();
  }

  const doc = await generateNotes(clients, {
    id: { owner, repo },
    to,
    from: inputs.string('from'),
    version,
    tagPrefix: inputs.string('tag-prefix') ?? '',
    paths: inputs.list('path'),
    config,
    localDir: clone.dir,
    localWhy: clone.why,
    parallel: 4,
    date,
    serverUrl: process.env.GITHUB_SERVER_URL ?? 'https://github.com',
    log: ctx.log,
    warn: ctx.warn,
  });
  const options = { header: inputs.string('header'), footer: inputs.string('footer') };
  const markdown = renderMarkdown(doc, options);
  const section = renderKeepAChangelog(doc, options);
  const json = renderJson(doc);
  const notes = format === 'json' ? json : format === 'keep-a-changelog' ? section : markdown;

  await mkdir(dirname(outputFile), { recursive: true });
  await writeFile(outputFile, notes);
  if (changelogFile && changelogPath) {
    await ctx.writes.perform({ method: 'WRITE', target: changelogFile, summary: `put the ${doc.version} section into ${changelogFile}` }, () => writeChangelog(changelogPath, section, doc.version!));
  }

  const prs = doc.entries.filter((e) => e.pr !== undefined);
  ctx.setOutput('notes', notes);
  ctx.setOutput('notes-file', outputFile);
  ctx.setOutput('json', json.trim());
  ctx.setOutput('previous-tag', doc.previous ?? '');
  ctx.setOutput('contributors', doc.contributors ?? []);
  ctx.setOutput('pr-count', prs.length);
  ctx.setOutput('commit-count', doc.commitCount);
  ctx.log(notes);
  ctx.summary.heading(`Release notes${doc.version ? ` for ${doc.version}` : ''}`, 2).paragraph(`${doc.previous ?? '(start)'}..${doc.to}: ${doc.commitCount} commits, ${prs.length} pull requests, read from the ${doc.source}; ${clients.requests.total} GitHub API request(s).`);
  ctx.summary.details('Notes', format === 'json' ? `\`\`\`json\n${json}\`\`\`` : markdown);
});
