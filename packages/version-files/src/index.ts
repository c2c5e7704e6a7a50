export { planBump, type BumpPlan, type BumpRequest, type ChangeReport, type CurrentVersionSource, type FileChange } from './plan.js';
export { parseSpec, parseSpecLine, type SpecEntry, type Selector } from './spec.js';
export { expandPreset, checkPresetNames, PRESET_NAMES } from './presets.js';
export { writeFilesAtomically } from './write-files.js';
export { BUMPS, parseVersion, findVersion, decideVersion, templateVars, renderTemplate, type Bump, type TemplateVars } from './version.js';
export { highestTag } from './tags.js';
export { workspaceFiles, type FileSource } from './file-source.js';
export { applyEdits, type Edit } from './edits.js';
export { decodeSource, encodeSource, lineColumn, type SourceText } from './source-file.js';
