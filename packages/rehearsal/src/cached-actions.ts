import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parse } from 'yaml';
import { javascriptAction } from './bundled-actions.js';
import { compositeAction } from './composite-actions.js';
import type { ActionHandler } from './run.js';

const USES = /^([\w.-]+)\/([\w.-]+)((?:\/[\w.-]+)*)@([\w./-]+)$/;
const NODE_RUNTIMES = new Set(['node12', 'node16', 'node20', 'node24']);

function notRehearsable(message: string): ActionHandler {
  return Object.assign(async () => ({ failed: true, outputs: {}, log: `${message}\n` }), { unresolved: message });
}

/**
 * Third-party actions from a local cache (`--actions-dir DIR`): `uses: owner/repo[/path]@ref` is
 * `DIR/owner/repo@ref[/path]/action.yml`, a tree as the runner downloads it (for a JavaScript
 * action, its committed dist/). JavaScript actions run as the runner runs them (pre, main, post;
 * node12–node24 all run under this Node), composite actions step by step; an action the rehearsal cannot run fails its job at
 * set-up, before the first step, with the reason. https://docs.github.com/en/actions/sharing-automations/creating-actions/metadata-syntax-for-github-actions#runs
 */
export function cachedActions(dir: string): (uses: string) => ActionHandler | undefined {
  return (uses) => {
    const match = USES.exec(uses);
    if (!match) return undefined;
    const [, owner = '', repo = '', path = '', ref = ''] = match;
    const root = join(dir, owner, `${repo}@${ref}`, path);
    // `.` and `..` are no owner, repository or folder name on GitHub; here they would leave the cache.
    const inside = relative(dir, root);
    if ([owner, repo, ...path.split('/'), ...ref.split('/')].some((part) => part === '.' || part === '..') || inside.startsWith(`..${sep}`) || inside === '..') {
      return notRehearsable(`${uses} names no action on GitHub: an owner, repository, path or ref of "." or ".." is not allowed.`);
    }
    const actionYml = ['action.yml', 'action.yaml'].map((name) => join(root, name)).find((file) => existsSync(file));
    if (!actionYml) {
      const missing = notRehearsable(
        `${uses} is neither in the sandbox nor in the action cache: put its tree at ${join(dir, owner, `${repo}@${ref}`)} (e.g. git clone --depth 1 --branch ${ref} https://github.com/${owner}/${repo} ${join(dir, owner, `${repo}@${ref}`)}), or pass --download-actions to fetch it.`,
      );
      return Object.assign(missing, { missing: { owner, repo, ref, path: path.replace(/^\//, '') } });
    }
    const declared = (parse(readFileSync(actionYml, 'utf8')) as { runs?: { using?: unknown } } | null)?.runs?.using;
    const using = typeof declared === 'string' ? declared : '';
    if (NODE_RUNTIMES.has(using)) return javascriptAction(actionYml, `Action ${uses} from the cache (${root})\n`);
    if (using === 'docker')
      return notRehearsable(
        `${uses} is a Docker container action (runs.using: docker), which the rehearsal cannot run: it needs a Linux runner with Docker. Rehearse without that step, or replace it with a JavaScript action.`,
      );
    if (using === 'composite') return compositeAction(actionYml, `Action ${uses} from the cache (${root})\n`);
    return notRehearsable(`${uses} declares runs.using: ${using || '(nothing)'}, which no runner runs.`);
  };
}
