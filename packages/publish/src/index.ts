export { actionPublishTree, publishableActions, type TreeFile } from './publish-tree.js';
export { writePublishTrees, readPublishTrees, readTree, type PackagedAction } from './write-trees.js';
export { publishActionRepos, moveReleaseTags } from './publish-repos.js';
export type { TagOutcome } from './release-tags.js';
export { recordPinnedShas, releaseForTag, type PinnedSha } from './release-shas.js';
