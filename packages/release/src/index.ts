export { runDraftRelease, type DraftReleaseRequest, type DraftReleaseResult } from './run.js';
export { collectAssets, type LocalAsset } from './local-assets.js';
export { type MakeLatest } from './latest.js';
export { marker, terminalRunId } from './marker.js';
export type { Overwrite, AssetResult } from './upload.js';
export type { ReleaseInfo } from './types.js';
export { moveBranches, type BranchMove } from './move-branches.js';
