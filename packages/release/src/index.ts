export { runDraftRelease, type DraftReleaseRequest, type DraftReleaseResult } from './run.js';
export { collectAssets, sanitizeAssetName, textAsset, MAX_ASSET_BYTES, type LocalAsset } from './local-assets.js';
export { decideLatest, isPrereleaseTag, type MakeLatest } from './latest.js';
export { releasesForTag, ensureDraft } from './draft.js';
export { composeBody, readMarker, marker, terminalRunId, runMayBeGoing, BODY_LIMIT } from './marker.js';
export type { Overwrite, AssetResult } from './upload.js';
export type { ReleaseInfo } from './types.js';
export { checkBranchesToMove, moveBranches, type BranchMove } from './move-branches.js';
