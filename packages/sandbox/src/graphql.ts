import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildSchema, graphql, GraphQLError, type GraphQLFieldResolver, type GraphQLSchema, type GraphQLTypeResolver } from 'graphql';
import { HttpError } from './http.js';
import type { Identity, PullRequest } from './model.js';
import type { Commit } from './git-objects.js';
import { commitFiles, setRef } from './repo-ops.js';
import { canRead, requireWrite } from './rules.js';
import { connection, type Args, type CommitOnBranchInput, type GraphqlContext, type Node } from './graphql-types.js';
import { actor, commitNode, pullRequestNode, refNode, repositoryNode } from './graphql-nodes.js';

let cachedSchema: GraphQLSchema | undefined;

/** GitHub's published schema (npm @octokit/graphql-schema): queries are validated exactly as GitHub would. */
export function githubSchema(): GraphQLSchema {
  if (!cachedSchema) {
    // The package exports only its JS entry, so find its folder on the module search path.
    const dirs = createRequire(import.meta.url).resolve.paths('@octokit/graphql-schema') ?? [];
    const file = dirs.map((dir) => join(dir, '@octokit/graphql-schema/schema.graphql')).find((candidate) => existsSync(candidate));
    if (!file) throw new Error('The GitHub sandbox needs the npm package @octokit/graphql-schema (run npm ci in the relkit checkout).');
    cachedSchema = buildSchema(readFileSync(file, 'utf8'), { assumeValidSDL: true });
  }
  return cachedSchema;
}

const fieldResolver: GraphQLFieldResolver<Node, GraphqlContext, Args> = (source, args, context, info) => {
  if (source === null || typeof source !== 'object') return null;
  if (!(info.fieldName in source)) {
    throw new GraphQLError(`The sandbox does not model ${info.parentType.name}.${info.fieldName}; add it to packages/sandbox/src/graphql-nodes.ts`);
  }
  const value = source[info.fieldName];
  return typeof value === 'function' ? (value as (a: Args, c: GraphqlContext) => unknown)(args, context) : value;
};

const typeResolver: GraphQLTypeResolver<Node, GraphqlContext> = (value) => value.__typename as string;

function createCommitOnBranch(ctx: GraphqlContext, input: CommitOnBranchInput): Node {
  const branchInput = input.branch;
  const repo = branchInput.repositoryNameWithOwner ? ctx.state.repo(branchInput.repositoryNameWithOwner) : undefined;
  if (!repo || !canRead(repo, ctx.identity)) throw new GraphQLError(`Could not resolve to a Repository with the name '${branchInput.repositoryNameWithOwner}'.`, { extensions: { type: 'NOT_FOUND' } });
  let identity: Identity;
  try {
    identity = requireWrite(repo, ctx.identity, 'contents');
  } catch (error) {
    throw new GraphQLError(error instanceof Error ? error.message : String(error), { extensions: { type: 'FORBIDDEN' } });
  }
  const name = (branchInput.branchName ?? '').replace(/^refs\/heads\//, '');
  const ref = `refs/heads/${name}`;
  const head = repo.refs.get(ref);
  if (!head) throw new GraphQLError(`A ref named "${name}" does not exist in the repository. createCommitOnBranch cannot create branches.`, { extensions: { type: 'NOT_FOUND' } });
  if (head !== input.expectedHeadOid) {
    throw new GraphQLError(`Expected branch to point to "${input.expectedHeadOid}" but it did not. Pull and try again.`, { extensions: { type: 'STALE_DATA' } });
  }
  const message = input.message;
  const changes = [
    ...(input.fileChanges?.deletions ?? []).map((d) => ({ path: d.path, content: null })),
    ...(input.fileChanges?.additions ?? []).map((a) => ({ path: a.path, content: Buffer.from(a.contents, 'base64') })),
  ];
  const fullMessage = message.body ? `${message.headline}\n\n${message.body}` : message.headline;
  const sha = commitFiles(repo, identity, head, fullMessage, changes, { signed: true });
  try {
    setRef(repo, identity, ref, sha);
  } catch (error) {
    if (error instanceof HttpError) throw new GraphQLError(error.message, { extensions: { type: 'UNPROCESSABLE' } });
    throw error;
  }
  return { clientMutationId: input.clientMutationId ?? null, commit: commitNode(ctx, repo, repo.objects.commit(sha) as Commit), ref: refNode(ctx, repo, ref, sha) };
}

/**
 * The issue search GitHub's `search(type: ISSUE)` runs, for the qualifiers relkit uses: `repo:`,
 * `is:pr`, `is:merged`, `is:open`, `author:`, `merged:<DATE`, `merged:<=DATE`, `merged:>DATE`,
 * `merged:>=DATE`. Anything else is refused loudly rather than ignored.
 */
function searchIssues(ctx: GraphqlContext, args: Args): Node {
  if (args.type !== 'ISSUE') throw new GraphQLError(`The sandbox models search only for type ISSUE, not ${String(args.type)}.`);
  let repoName: string | undefined;
  const filters: Array<(pr: PullRequest) => boolean> = [];
  for (const token of String(args.query).trim().split(/\s+/)) {
    const [key, value = ''] = token.split(/:(.*)/s) as [string, string | undefined];
    if (key === 'repo') repoName = value;
    else if (token === 'is:pr' || token === 'type:pr') continue;
    else if (token === 'is:merged') filters.push((pr) => pr.mergedAt !== null);
    else if (token === 'is:open') filters.push((pr) => pr.state === 'open');
    else if (key === 'author')
      filters.push((pr) => pr.user.toLowerCase() === value.replace(/^app\//, '').toLowerCase() || pr.user.toLowerCase() === `${value.replace(/^app\//, '')}[bot]`.toLowerCase());
    else if (key === 'merged') {
      const m = /^(<=|>=|<|>)?(.+)$/.exec(value);
      const bound = Date.parse(m?.[2] ?? '');
      if (Number.isNaN(bound)) throw new GraphQLError(`The sandbox cannot read the date in "${token}".`);
      const op = m?.[1] ?? '=';
      filters.push((pr) => {
        if (!pr.mergedAt) return false;
        const at = Date.parse(pr.mergedAt);
        return op === '<' ? at < bound : op === '<=' ? at <= bound : op === '>' ? at > bound : op === '>=' ? at >= bound : pr.mergedAt.startsWith(m?.[2] ?? '');
      });
    } else throw new GraphQLError(`The sandbox does not model the search qualifier "${token}".`);
  }
  const repo = repoName ? ctx.state.repo(repoName) : undefined;
  if (!repo || !canRead(repo, ctx.identity))
    return {
      issueCount: 0,
      nodes: [],
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      codeCount: 0,
      repositoryCount: 0,
      userCount: 0,
      discussionCount: 0,
      wikiCount: 0,
    };
  const found = repo.pulls.filter((pr) => filters.every((f) => f(pr)));
  return { ...connection(found, args, (pr) => pullRequestNode(ctx, repo, pr)), issueCount: found.length, codeCount: 0, repositoryCount: 0, userCount: 0, discussionCount: 0, wikiCount: 0 };
}

export async function executeGraphql(ctx: GraphqlContext, body: { query?: string; variables?: Record<string, unknown>; operationName?: string }): Promise<Record<string, unknown>> {
  if (!body.query) return { errors: [{ message: 'A query attribute must be specified and must be a string.' }] };
  const root = {
    repository: (args: Args) => {
      const repo = ctx.state.repo(args.owner as string, args.name);
      if (!repo || !canRead(repo, ctx.identity)) throw new GraphQLError(`Could not resolve to a Repository with the name '${args.owner}/${args.name}'.`, { extensions: { type: 'NOT_FOUND' } });
      return repositoryNode(ctx, repo);
    },
    viewer: () => {
      if (!ctx.identity) throw new GraphQLError('This endpoint requires you to be authenticated.');
      return actor(ctx, ctx.identity.account.login);
    },
    rateLimit: () => {
      const limit = ctx.rateLimit();
      return { cost: 1, limit: limit.limit, remaining: limit.remaining, used: limit.used, nodeCount: 0, resetAt: new Date(limit.resetAt * 1000).toISOString() };
    },
    createCommitOnBranch: (args: Args & { input: CommitOnBranchInput }) => createCommitOnBranch(ctx, args.input),
    search: (args: Args) => searchIssues(ctx, args),
  };
  const result = await graphql({
    schema: githubSchema(),
    source: body.query,
    rootValue: root,
    contextValue: ctx,
    variableValues: body.variables ?? null,
    operationName: body.operationName ?? null,
    fieldResolver,
    typeResolver,
  });
  const out: Record<string, unknown> = {};
  if (result.data !== undefined) out.data = result.data;
  if (result.errors) {
    out.errors = result.errors.map((e) => ({
      ...(e.extensions?.type ? { type: e.extensions.type } : {}),
      path: e.path,
      locations: e.locations,
      message: e.message,
    }));
  }
  return out;
}
