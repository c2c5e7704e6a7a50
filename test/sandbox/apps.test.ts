import { createSign, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SANDBOX_APP_ID, SANDBOX_TOKENS, useSandbox } from '../helpers/sandbox.js';

const env = useSandbox({ repos: [{ owner: 'acme', name: 'app', ownerType: 'Organization', commits: [{ id: 'c1', message: 'init', files: { VERSION: '1.0.0\n' } }] }] });

function jwt(privateKey: string, claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`;
}

async function call(method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`${env.sandbox.urls.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: response.status === 204 ? undefined : ((await response.json()) as Record<string, any>) };
}

describe('GitHub App authentication in the sandbox', () => {
  it('a JWT signed with the App key finds the installation and mints a token that works until revoked', async () => {
    const now = Math.floor(Date.now() / 1000);
    const bearer = jwt(env.sandbox.appPrivateKey(), { iat: now - 60, exp: now + 540, iss: String(SANDBOX_APP_ID) });
    const installation = await call('GET', '/repos/acme/app/installation', bearer);
    expect(installation.status).toBe(200);
    expect(installation.body).toMatchObject({ app_id: SANDBOX_APP_ID, app_slug: 'relkit-release', target_type: 'Organization', account: { login: 'acme' } });
    // The JWT itself may not touch repository contents.
    expect((await call('POST', '/repos/acme/app/git/refs', bearer, { ref: 'refs/heads/x', sha: 'a'.repeat(40) })).status).toBeGreaterThanOrEqual(400);

    const minted = await call('POST', `/app/installations/${installation.body!.id}/access_tokens`, bearer, { repositories: ['app'], permissions: { contents: 'write' } });
    expect(minted.status).toBe(201);
    expect(minted.body).toMatchObject({ permissions: { contents: 'write' }, repository_selection: 'selected' });
    const token = minted.body!.token as string;
    expect(token).toMatch(/^ghs_/);
    expect((await call('GET', '/repos/acme/app', token)).status).toBe(200);
    // Narrowed to contents: no administration, so no rulesets.
    expect((await call('POST', '/repos/acme/app/rulesets', token, { name: 'x', target: 'branch', enforcement: 'active', rules: [{ type: 'update' }] })).status).toBe(403);
    // Minted tokens do not show in the state dump: a mock run that mints one leaves the dump as it was.
    expect(JSON.stringify(env.sandbox.dump())).not.toContain(token);

    expect((await call('DELETE', '/installation/token', token)).status).toBe(204);
    expect((await call('GET', '/repos/acme/app', token)).status).toBe(401);
  });

  it('refuses a JWT signed with another key, an expired one, more permissions than the App has, and a plain token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
    expect((await call('GET', '/repos/acme/app/installation', jwt(other, { iat: now, exp: now + 300, iss: SANDBOX_APP_ID }))).status).toBe(401);
    expect((await call('GET', '/repos/acme/app/installation', jwt(env.sandbox.appPrivateKey(), { iat: now - 1200, exp: now - 600, iss: SANDBOX_APP_ID }))).status).toBe(401);
    const bearer = jwt(env.sandbox.appPrivateKey(), { iat: now, exp: now + 300, iss: SANDBOX_APP_ID });
    const installed = await call('GET', '/orgs/acme/installation', bearer);
    expect((await call('POST', `/app/installations/${installed.body!.id}/access_tokens`, bearer, { permissions: { packages: 'write' } })).status).toBe(422);
    expect((await call('GET', '/repos/acme/app/installation', SANDBOX_TOKENS.admin)).status).toBe(401);
  });
});
