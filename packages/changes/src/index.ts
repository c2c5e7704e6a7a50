export { commitFiles, differingPaths, type ChangeClients, type CommitOutcome, type CommitRequest, type FileContent } from './commit.js';
export { proposeChanges, type ProposalOutcome, type ProposalRequest } from './pull-request.js';
export { gitBlobSha } from './git-blob.js';
export { branchHead, blobShasAt } from './branch-state.js';
export { checkoutHead } from './checkout-head.js';
