import { createHash } from 'node:crypto';
import { looksLikeJwt } from './rest/apps.js';

export interface ResponseRecord {
  server: 'api' | 'uploads' | 'graphql';
  method: string;
  /** The matched route template (OpenAPI path), or undefined for 404s and control calls. */
  route: string | undefined;
  path: string;
  status: number;
  body: unknown;
  /** True when the answer was raw bytes (downloads), not JSON. */
  raw: boolean;
  requestBody: unknown;
}

export interface RequestLogEntry {
  server: 'api' | 'uploads' | 'graphql';
  method: string;
  path: string;
  route: string | undefined;
  status: number;
  /** Who sent it (login), and which token: a fingerprint, never the token, since the log is served over HTTP and dumped. */
  login: string | undefined;
  token: string | undefined;
  ms: number;
  /** When the request arrived (epoch ms), to tell concurrent requests from sequential ones. */
  at: number;
  fault?: string;
}

/** `ghp_…1a2b3c4d`: the token's kind and a hash, enough to tell two tokens apart in a log. */
export function fingerprint(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const kind = /^(gh[opsu]_|github_pat_)/.exec(token)?.[1] ?? (looksLikeJwt(token) ? 'jwt:' : '');
  return `${kind}…${createHash('sha256').update(token).digest('hex').slice(0, 8)}`;
}
