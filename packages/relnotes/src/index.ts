export { parseNotesConfig, defaultConfig, KUBERNETES_KINDS, type NotesConfig, type Category } from './config.js';
export { generateNotes, type GenerateRequest } from './generate.js';
export { renderMarkdown, renderKeepAChangelog, renderJson, type NotesDocument, type RenderOptions } from './render.js';
export { placeSection, writeChangelog } from './changelog-file.js';
export { previousCandidates } from './resolve.js';
export { prNumberFromMessage, cherryPickedFrom, backportOf, releaseNote, coAuthors, conventionalSection } from './messages.js';
export type { NoteEntry } from './entries.js';
export { localCloneOf, readRepositoryConfig } from './sources.js';
export { runGenRelnotes, type RelnotesClients, type RelnotesInputs, type RelnotesResult } from './run.js';
