export { commitFiles, type ChangeClients, type CommitOutcome, type CommitRequest, type FileContent } from './commit.js';
export { proposeChanges, type ProposalOutcome, type ProposalRequest, type PullStatus, type RepositoryName } from './pull-request.js';
export { gitBlobSha } from './git-blob.js';
export { gitTreeSha } from './git-tree.js';
export { branchHead } from './branch-state.js';
export { checkoutHead } from './checkout-head.js';
