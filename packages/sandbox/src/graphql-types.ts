import type { Identity, SandboxState } from './model.js';
import type { Urls } from './serialize.js';
import { GraphQLError } from 'graphql';

export interface GraphqlContext {
  state: SandboxState;
  urls: Urls;
  identity: Identity | undefined;
  rateLimit: () => { limit: number; remaining: number; used: number; resetAt: number };
  /** PRs merged less than this long ago are not yet in `associatedPullRequests` (GitHub's lag). */
  associationLagMs: number;
}

export type Node = Record<string, unknown>;
export type Direction = 'ASC' | 'DESC';
/** createCommitOnBranch's input (docs.github.com/graphql/reference/input-objects#createcommitonbranchinput). */
export interface CommitOnBranchInput {
  branch: { repositoryNameWithOwner?: string; branchName?: string; id?: string };
  expectedHeadOid: string;
  message: { headline: string; body?: string };
  fileChanges?: { additions?: { path: string; contents: string }[]; deletions?: { path: string }[] };
  clientMutationId?: string;
}
/** Field arguments as graphql-js hands them over, already checked against GitHub's schema. */
export interface Args {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  direction?: Direction;
  orderBy?: { field?: string; direction?: Direction } | null;
  states?: string[] | null;
  labels?: string[] | null;
  query?: string | null;
  input?: CommitOnBranchInput;
  number?: number;
  owner?: string;
  name?: string;
  oid?: string;
  expression?: string;
  qualifiedName?: string;
  refPrefix?: string;
  path?: string;
  type?: string;
  since?: string;
  until?: string;
  baseRefName?: string;
  headRefName?: string;
  headRef?: string;
}

/**
 * Resolves a field from the source object: a value, or a function of (args, context).
 * A field the sandbox does not model is an error, never a silent null.
 */
export function encodeCursor(index: number): string {
  return Buffer.from(`cursor:${index}`).toString('base64');
}

export function decodeCursor(cursor: string | undefined | null): number {
  if (!cursor) return -1;
  const match = /^cursor:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString());
  if (!match) throw new GraphQLError(`\`${cursor}\` does not appear to be a valid cursor.`);
  return Number(match[1]);
}

export function connection<T>(items: T[], args: Args, toNode: (item: T) => Node): Node {
  if (args.first === undefined && args.last === undefined) throw new GraphQLError('You must provide a `first` or `last` value to properly paginate the connection.');
  const size = (args.first ?? args.last) as number;
  if (size > 100) throw new GraphQLError(`Requesting ${size} records on the connection exceeds the \`first\` limit of 100 records.`);
  const start = decodeCursor(args.after) + 1;
  const slice = items.slice(start, start + size);
  const nodes = slice.map(toNode);
  return {
    totalCount: items.length,
    nodes,
    edges: nodes.map((node, i) => ({ node, cursor: encodeCursor(start + i) })),
    pageInfo: {
      hasNextPage: start + size < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length > 0 ? encodeCursor(start) : null,
      endCursor: slice.length > 0 ? encodeCursor(start + slice.length - 1) : null,
    },
  };
}
