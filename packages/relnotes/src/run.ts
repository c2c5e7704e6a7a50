import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError, type GitHubGraphql, type GitHubRest, type WritePath } from '@relkit/kit';
import { writeChangelog } from './changelog-file.js';
import { defaultConfig, parseNotesConfig, type NotesConfig } from './config.js';
import { generateNotes } from './generate.js';
import { renderJson, renderKeepAChangelog, renderMarkdown, type NotesDocument } from './render.js';
import { localCloneOf, readRepositoryConfig } from './sources.js';

/** What gen-relnotes was asked, every input and path already checked (actions/gen-relnotes/src/inputs.ts). */
export interface RelnotesInputs {
  owner: string;
  repo: string;
  from: string | undefined;
  to: string;
  version: string | undefined;
  tagPrefix: string;
  paths: string[];
  format: 'markdown' | 'keep-a-changelog' | 'json';
  date: string;
  header: string | undefined;
  footer: string | undefined;
  /** The checkout, read as a local clone when it is one. */
  workspace: string;
  /** A release.yml in the checkout: the path as given (for messages) and where it really is. */
  config: { given: string; real: string } | undefined;
  /** The changelog to put the section into: as given, and the checked real path. */
  changelog: { given: string; real: string } | undefined;
  outputFile: string;
  serverUrl: string;
}

export interface RelnotesClients {
  rest: GitHubRest;
  graphql: GitHubGraphql;
  writes: WritePath;
  log: (line: string) => void;
  warn: (line: string) => void;
}

export interface RelnotesResult {
  doc: NotesDocument;
  /** The notes in the format asked. */
  notes: string;
  markdown: string;
  json: string;
}

/** gen-relnotes: the repository's release.yml, the notes of the range, the notes file and the changelog section. */
export async function runGenRelnotes(clients: RelnotesClients, input: RelnotesInputs, env: NodeJS.ProcessEnv): Promise<RelnotesResult> {
  const { owner, repo } = input;
  const clone = await localCloneOf(input.workspace, owner, repo, env);
  let config: NotesConfig;
  if (input.config) {
    const { given, real } = input.config;
    const text = await readFile(real, 'utf8').catch(() => {
      throw new UserError(`Input \`config\`: ${given} cannot be read.`, 'Give the path of a release.yml relative to the workspace, or leave `config` empty.', { input: 'config' });
    });
    config = parseNotesConfig(given, text);
  } else {
    const remote = await readRepositoryConfig(clients.rest, { owner, repo }, input.to);
    config = remote ? parseNotesConfig(`${owner}/${repo}:.github/release.yml`, remote) : defaultConfig();
  }

  const doc = await generateNotes(clients, {
    id: { owner, repo },
    to: input.to,
    from: input.from,
    version: input.version,
    tagPrefix: input.tagPrefix,
    paths: input.paths,
    config,
    localDir: clone.dir,
    localWhy: clone.why,
    parallel: 4,
    date: input.date,
    serverUrl: input.serverUrl,
    log: clients.log,
    warn: clients.warn,
  });
  const options = { header: input.header, footer: input.footer };
  const markdown = renderMarkdown(doc, options);
  const section = renderKeepAChangelog(doc, options);
  const json = renderJson(doc);
  const notes = input.format === 'json' ? json : input.format === 'keep-a-changelog' ? section : markdown;

  await mkdir(dirname(input.outputFile), { recursive: true });
  await writeFile(input.outputFile, notes);
  const changelog = input.changelog;
  if (changelog) {
    await clients.writes.perform({ method: 'WRITE', target: changelog.given, summary: `put the ${doc.version} section into ${changelog.given}` }, () =>
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- the inputs refuse a changelog without a version before anything is read
      writeChangelog(changelog.real, section, doc.version!),
    );
  }
  return { doc, notes, markdown, json };
}
