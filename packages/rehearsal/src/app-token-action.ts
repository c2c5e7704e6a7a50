import { createSign } from 'node:crypto';
import { githubRequest } from './github-api.js';
import { unresolvedAction, type ActionCall, type ActionHandler, type ActionOutcome } from './run.js';
import { isKnownActionRef } from './platform/action-refs.js';

const APP_TOKEN = /^actions\/create-github-app-token@(v[1-3](\.[\d.]+)?|[0-9a-f]{40})$/;

function jwt(appId: string, privateKey: string): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  // Issued a minute early, as GitHub recommends against clock drift; valid for ten minutes in all.
  const input = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ iat: now - 60, exp: now + 540, iss: appId })}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * actions/create-github-app-token: a JWT finds the installation for `owner` (and `repositories`,
 * default: the current repository) and mints an installation token, narrowed to the
 * `permission-*` inputs; the post step revokes it unless `skip-token-revoke` is true.
 */
async function createAppToken(call: ActionCall): Promise<ActionOutcome> {
  const appId = call.inputs['client-id'] || call.inputs['app-id'] || '';
  const privateKey = (call.inputs['private-key'] ?? '').replace(/\\n/g, '\n');
  if (!appId) return { failed: true, outputs: {}, log: '::error::Input required and not supplied: client-id (or app-id)\n' };
  if (!privateKey) return { failed: true, outputs: {}, log: '::error::Input required and not supplied: private-key\n' };
  const [currentOwner = '', currentRepo = ''] = (call.env.GITHUB_REPOSITORY ?? '').split('/');
  const owner = call.inputs.owner || currentOwner;
  const repositories = list(call.inputs.repositories);
  const selected = repositories.length > 0 ? repositories : call.inputs.owner ? [] : [currentRepo];
  const permissions = Object.fromEntries(
    Object.entries(call.inputs)
      .filter(([k, v]) => k.startsWith('permission-') && v)
      .map(([k, v]) => [k.slice('permission-'.length).replace(/-/g, '_'), v]),
  );
  try {
    const bearer = jwt(appId, privateKey);
    const installation = await githubRequest<{ id: number; app_slug: string }>(
      call.env,
      bearer,
      'GET',
      selected.length > 0 ? `/repos/${owner}/${selected[0]}/installation` : `/users/${owner}/installation`,
    );
    const minted = await githubRequest<{ token: string }>(call.env, bearer, 'POST', `/app/installations/${installation.id}/access_tokens`, {
      ...(selected.length > 0 ? { repositories: selected } : {}),
      ...(Object.keys(permissions).length > 0 ? { permissions } : {}),
    });
    const outcome: ActionOutcome = {
      failed: false,
      outputs: { token: minted.token, 'installation-id': String(installation.id), 'app-slug': installation.app_slug },
      // The action masks the token it mints (core.setSecret), so the runner hides it in every later line.
      log: `::add-mask::${minted.token}\nCreated an installation token of ${installation.app_slug} for ${owner}${selected.length > 0 ? `/${selected.join(',')}` : ''}\n`,
    };
    if (call.inputs['skip-token-revoke'] !== 'true') {
      // The action's post step only warns when the revocation fails (the token expires within the hour anyway).
      outcome.post = async () => {
        try {
          await githubRequest(call.env, minted.token, 'DELETE', '/installation/token');
          return { failed: false, outputs: {}, log: 'Token revoked\n' };
        } catch (error) {
          return { failed: false, outputs: {}, log: `::warning::Token revocation failed: ${(error as Error).message}\n` };
        }
      };
    }
    return outcome;
  } catch (error) {
    return { failed: true, outputs: {}, log: `::error::create-github-app-token: ${(error as Error).message}\n` };
  }
}

export function appTokenAction(uses: string): ActionHandler | undefined {
  if (!APP_TOKEN.test(uses)) return undefined;
  return isKnownActionRef(uses) ? createAppToken : unresolvedAction(uses);
}
