export { defaultConfig, type NotesConfig, type Category } from './config.js';
export { generateNotes, type GenerateRequest } from './generate.js';
export { type NotesDocument, type RenderOptions } from './render.js';
export { placeSection } from './changelog-file.js';
export type { NoteEntry } from './entries.js';
export { localCloneOf } from './sources.js';
export { runGenRelnotes, type RelnotesClients, type RelnotesInputs, type RelnotesResult } from './run.js';
