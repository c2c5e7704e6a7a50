import { createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';
import { HttpError, notFound, type RequestContext, type Router } from '../http.js';
import type { Identity, SandboxState } from '../model.js';
import * as json from '../serialize.js';

/**
 * GitHub App authentication as `actions/create-github-app-token` uses it: a JWT signed with the
 * App's private key (RS256, `iss` = App id, at most ten minutes) finds the installation and mints
 * an installation token; the token is revoked with `DELETE /installation/token`. Every App
 * identity of the sandbox is installed on every account, one installation (its own id) per account:
 * its tokens reach that account's repositories only.
 */
const keys = new WeakMap<SandboxState, Map<number, { privateKey: string; publicKey: string }>>();
const minted = new WeakMap<SandboxState, Map<string, Identity>>();

export function appKeys(state: SandboxState, appId: number): { privateKey: string; publicKey: string } {
  let perState = keys.get(state);
  if (!perState) keys.set(state, (perState = new Map<number, { privateKey: string; publicKey: string }>()));
  let pair = perState.get(appId);
  if (!pair) {
    // Generated on first use: most sandboxes never see a JWT, and RSA generation costs ~50 ms.
    const generated = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    pair = { privateKey: generated.privateKey, publicKey: generated.publicKey };
    perState.set(appId, pair);
  }
  return pair;
}

function appIdentity(state: SandboxState, appId: number): Identity | undefined {
  return [...state.identities.values()].find((i) => i.kind === 'app' && i.appId === appId);
}

/**
 * An installation token minted by the sandbox (kept apart from seeded identities: state dumps do not
 * change), until it expires: "The token expires after 1 hour"; an expired token gets 401.
 * https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-an-installation-access-token-for-a-github-app
 */
export function mintedToken(state: SandboxState, token: string): Identity | undefined {
  const identity = minted.get(state)?.get(token);
  if (!identity) return undefined;
  return (expiry.get(identity) ?? Infinity) > state.now() ? identity : undefined;
}

/** When each minted token stops working (sandbox clock). */
const expiry = new WeakMap<Identity, number>();
/** How long an installation token lives. */
export const INSTALLATION_TOKEN_MS = 3600_000;

function base64UrlJson(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function looksLikeJwt(token: string): boolean {
  return /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/.test(token);
}

/** The App a JWT speaks for, or a 401 with GitHub's wording. */
export function verifyAppJwt(state: SandboxState, token: string): Identity {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  let claims: Record<string, unknown>;
  try {
    if (base64UrlJson(header).alg !== 'RS256') throw new Error('alg');
    claims = base64UrlJson(payload);
  } catch {
    throw new HttpError(401, 'A JSON web token could not be decoded');
  }
  const appId = Number(claims.iss);
  const app = Number.isInteger(appId) ? appIdentity(state, appId) : undefined;
  if (!app) throw new HttpError(401, `Integration not found`);
  const verified = createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(appKeys(state, appId).publicKey, Buffer.from(signature, 'base64url'));
  if (!verified) throw new HttpError(401, 'A JSON web token could not be decoded');
  const now = Math.floor(Date.now() / 1000);
  const iat = Number(claims.iat);
  const exp = Number(claims.exp);
  if (!Number.isFinite(exp) || exp < now) throw new HttpError(401, "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires");
  if (!Number.isFinite(iat) || iat > now + 60 || exp - iat > 600)
    throw new HttpError(401, "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued, and the 'exp' claim may be at most 10 minutes later");
  // The JWT itself holds no repository permission; only the installation's tokens do.
  return { ...app, token, jwt: true, permissions: {} };
}

/** The App a JSON web token speaks for (only an App's key signs one). */
function requireJwt(ctx: RequestContext): Identity & { appId: number } {
  const identity = ctx.identity;
  if (!identity?.jwt || identity.appId === undefined) throw new HttpError(401, 'A JSON web token could not be decoded');
  return { ...identity, appId: identity.appId };
}

const installations = new WeakMap<SandboxState, Map<number, { appId: number; account: string }>>();

function installationId(state: SandboxState, appId: number, account: string): number {
  let perState = installations.get(state);
  if (!perState) installations.set(state, (perState = new Map<number, { appId: number; account: string }>()));
  for (const [id, entry] of perState) if (entry.appId === appId && entry.account.toLowerCase() === account.toLowerCase()) return id;
  const id = state.id();
  perState.set(id, { appId, account });
  return id;
}

function installation(ctx: RequestContext, app: Identity & { appId: number }, accountLogin: string): Record<string, unknown> {
  const account = ctx.state.findAccount(accountLogin);
  if (!account) throw notFound();
  const id = installationId(ctx.state, app.appId, account.login);
  return {
    id,
    account: json.account(ctx.urls, account),
    repository_selection: 'all',
    access_tokens_url: `${ctx.urls.api}/app/installations/${id}/access_tokens`,
    repositories_url: `${ctx.urls.api}/installation/repositories`,
    html_url: `${ctx.urls.html}/settings/installations/${id}`,
    app_id: app.appId,
    app_slug: app.appSlug ?? app.account.login.replace(/\[bot\]$/, ''),
    target_id: account.id,
    target_type: account.type === 'Organization' ? 'Organization' : 'User',
    permissions: appIdentity(ctx.state, app.appId)?.permissions ?? {},
    events: [],
    created_at: '2020-01-01T00:00:00Z',
    updated_at: '2020-01-01T00:00:00Z',
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

export function registerAppRoutes(router: Router): void {
  router.add('GET', '/repos/{owner}/{repo}/installation', (ctx) => {
    const app = requireJwt(ctx);
    const repo = ctx.state.repo(ctx.params.owner ?? '', ctx.params.repo);
    if (!repo) throw notFound();
    return { status: 200, body: installation(ctx, app, repo.owner.login) };
  });
  router.add('GET', '/users/{username}/installation', (ctx) => ({ status: 200, body: installation(ctx, requireJwt(ctx), ctx.params.username ?? '') }));
  router.add('GET', '/orgs/{org}/installation', (ctx) => ({ status: 200, body: installation(ctx, requireJwt(ctx), ctx.params.org ?? '') }));

  router.add('POST', '/app/installations/{installation_id}/access_tokens', (ctx) => {
    const app = requireJwt(ctx);
    const target = installations.get(ctx.state)?.get(Number(ctx.params.installation_id));
    if (!target || target.appId !== app.appId) throw notFound();
    const body = (ctx.body ?? {}) as { repositories?: string[]; permissions?: Record<string, 'read' | 'write'> };
    const installed = appIdentity(ctx.state, app.appId);
    if (!installed) throw notFound();
    const granted = installed.permissions ?? {};
    const permissions = body.permissions ?? granted;
    for (const [name, level] of Object.entries(permissions)) {
      const has = granted[name];
      if (!has || (level === 'write' && has !== 'write')) {
        throw new HttpError(422, `The permissions requested are not granted to this installation.`);
      }
    }
    for (const name of body.repositories ?? []) {
      if (!ctx.state.repo(`${target.account}/${name}`)) throw new HttpError(422, `There is at least one repository that does not exist or is not accessible to the parent installation.`);
    }
    const token = `ghs_${randomBytes(18).toString('base64url')}`;
    let perState = minted.get(ctx.state);
    if (!perState) minted.set(ctx.state, (perState = new Map<string, Identity>()));
    const identity: Identity = { ...installed, token, permissions, scope: { owner: target.account, ...(body.repositories ? { repositories: body.repositories } : {}) } };
    perState.set(token, identity);
    const expiresAt = ctx.state.now() + INSTALLATION_TOKEN_MS;
    expiry.set(identity, expiresAt);
    const expires = new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return { status: 201, body: { token, expires_at: expires, permissions, repository_selection: body.repositories ? 'selected' : 'all' } };
  });

  router.add('DELETE', '/installation/token', (ctx) => {
    const token = ctx.identity?.token;
    if (!token || !minted.get(ctx.state)?.delete(token)) throw new HttpError(401, 'Bad credentials');
    return { status: 204 };
  });
}

/**
 * A job's GITHUB_TOKEN: an installation token of the GitHub Actions app for the workflow's own
 * repository, with the job's effective permissions. "The installation access token expires after the
 * job has finished or after a maximum of 24 hours" — the runner revokes it when the job ends.
 * https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication#about-the-github_token-secret
 */
export function mintJobToken(state: SandboxState, repository: string, permissions: Record<string, 'read' | 'write'>): string {
  const actions = [...state.identities.values()].find((i) => i.kind === 'github-actions');
  if (!actions) throw new Error('the sandbox has no GitHub Actions identity to mint a GITHUB_TOKEN for');
  const [owner = '', name = ''] = repository.split('/');
  const token = `ghs_job_${randomBytes(18).toString('base64url')}`;
  let perState = minted.get(state);
  if (!perState) minted.set(state, (perState = new Map<string, Identity>()));
  const identity: Identity = { ...actions, token, permissions: { ...permissions, metadata: 'read' }, scope: { owner, repositories: [name] } };
  perState.set(token, identity);
  expiry.set(identity, state.now() + 24 * INSTALLATION_TOKEN_MS);
  return token;
}

/** Ends a token minted by the sandbox (a job's GITHUB_TOKEN when its job ends). */
export function revokeToken(state: SandboxState, token: string): void {
  minted.get(state)?.delete(token);
}
