export { promoteInManifest, manifestPromotions, type ImagePromotion, type ManifestChange, type ManifestEdit } from './promoter-manifest.js';
export { parsePromotionTags } from './promotion-tags.js';
export { parseImages, type PromotedImage } from './images.js';
export { parseDigests, givenDigest } from './digests.js';
export { type ResolvedDigest } from './staging-digests.js';
export { type RepositoryFiles } from './repository-files.js';
export { type MergeWait } from './wait-merged.js';
export { checkTemplate, type Placeholder } from './templates.js';
export { runPromotion, type PromotionRequest, type PromotionResult, type PromotedFile } from './run.js';
