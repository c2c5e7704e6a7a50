import type { IncomingHttpHeaders } from 'node:http';
import type { Identity, Repository, SandboxState } from './model.js';
import type { Urls } from './serialize.js';

const DOCS = 'https://docs.github.com/rest';

/** An error answer in GitHub's shape: `{ message, documentation_url, errors?, status }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: { errors?: unknown[]; documentation_url?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    const body: Record<string, unknown> = { message: this.message, documentation_url: this.extra.documentation_url ?? DOCS, status: String(this.status) };
    if (this.extra.errors) body.errors = this.extra.errors;
    return body;
  }
}

export const notFound = (): HttpError => new HttpError(404, 'Not Found');

export function validationFailed(errors: unknown[], message = 'Validation Failed'): HttpError {
  return new HttpError(422, message, { errors });
}

export interface SandboxResponse {
  status: number;
  body?: unknown;
  /** Raw bytes (asset downloads); sent as-is. */
  raw?: Buffer;
  headers?: Record<string, string>;
}

export interface RequestContext {
  method: string;
  /** The OpenAPI-style route template that matched, e.g. `/repos/{owner}/{repo}/releases`. */
  route: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
  rawBody: Buffer;
  identity: Identity | undefined;
  state: SandboxState;
  urls: Urls;
  /** Looks up `{owner}/{repo}` from the path and checks the caller may see it. */
  repo: () => Repository;
}

export type Handler = (ctx: RequestContext) => SandboxResponse | Promise<SandboxResponse>;

interface Route {
  method: string;
  template: string;
  segments: string[];
  handler: Handler;
  /** The last parameter takes the rest of the path (refs and file paths contain slashes). */
  greedy: boolean;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, template: string, handler: Handler, options: { greedy?: boolean } = {}): void {
    this.routes.push({ method, template, segments: template.split('/').slice(1), handler, greedy: options.greedy ?? false });
  }

  /** The first route whose method and path template match, with its decoded parameters. */
  match(method: string, pathname: string): { route: Route; params: Record<string, string> } | undefined {
    const parts = pathname.split('/').slice(1);
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const params = matchSegments(route, parts);
      if (params) return { route, params };
    }
    return undefined;
  }
}

function matchSegments(route: Route, parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  const { segments } = route;
  if (route.greedy ? parts.length < segments.length - 1 : parts.length !== segments.length) return undefined;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    const isLast = i === segments.length - 1;
    if (segment.startsWith('{') && segment.endsWith('}')) {
      const name = segment.slice(1, -1);
      const raw = route.greedy && isLast ? parts.slice(i).join('/') : (parts[i] ?? '');
      if (raw === '' && !(route.greedy && isLast)) return undefined;
      try {
        params[name] = decodeURIComponent(raw);
      } catch {
        return undefined;
      }
    } else if (segment !== parts[i]) {
      return undefined;
    }
  }
  return params;
}

/** Link-header pagination with `per_page` (max 100, default 30) and `page`, as GitHub does. */
export function paginate<T>(ctx: RequestContext, items: T[], requestPath: string): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(ctx.query.get('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(ctx.query.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const link = (p: number, rel: string) => {
    const query = new URLSearchParams(ctx.query);
    query.set('per_page', String(perPage));
    query.set('page', String(p));
    return `<${ctx.urls.api}${requestPath}?${query.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, 'prev'));
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'));
  return { items: slice, headers: links.length > 0 ? { link: links.join(', ') } : {} };
}

export function requireBody<T extends Record<string, unknown>>(ctx: RequestContext): T {
  if (ctx.body === null || typeof ctx.body !== 'object' || Array.isArray(ctx.body)) {
    throw new HttpError(400, 'Problems parsing JSON');
  }
  return ctx.body as T;
}

export function missingField(resource: string, field: string): HttpError {
  return validationFailed([{ resource, code: 'missing_field', field }]);
}
