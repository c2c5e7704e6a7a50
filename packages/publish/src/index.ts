export { actionPublishTree, publishableActions, type TreeFile } from './publish-tree.js';
export { writePublishTrees, readPublishTrees, type PackageOptions, type PackagedAction } from './write-trees.js';
export { publishActionRepos, moveReleaseTags, type ActionRepoOutcome, type PublishActionsRequest } from './publish-repos.js';
export { releaseTagNames, planMovingTags, type TagOutcome, type TagStatus } from './release-tags.js';
export { recordPinnedShas, releaseForTag, pinnedShasSection, withPinnedShas, type PinnedSha } from './release-shas.js';
