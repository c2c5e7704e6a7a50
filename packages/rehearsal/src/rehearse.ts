import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserError } from '@relkit/kit';
import { SANDBOX_APP_ID, SANDBOX_TOKENS, type Push, type Sandbox } from '@relkit/sandbox';
import { appTokenAction } from './app-token-action.js';
import { repositorySecrets } from './platform/secrets.js';
import { triggeringPush, type ImageTrigger } from './platform/triggers.js';
import { artifactActions } from './artifact-actions.js';
import { bundledActions } from './bundled-actions.js';
import { downloadMissingActions, type ActionSource } from './action-download.js';
import { cachedActions } from './cached-actions.js';
import { checkoutAction } from './checkout-action.js';
import { fileAt } from './outcome.js';
import { publishedActions } from './published-actions.js';
import type { LocalRegistry } from './local-registry.js';
import type { RunRecord } from './records.js';
import { runWorkflow, type ActionHandler } from './run.js';
import type { Scenario } from './scenario.js';
import { loadWorkflow } from './workflow.js';
import { callerCredentials, callerRelkitRef, dispatchInputs, isRelkitWorkflow, localImages, type CallerWorkflow } from './caller.js';

export interface RehearseOptions {
  scenario: Scenario;
  /** A sandbox seeded with `scenario.repos`. */
  sandbox: Sandbox;
  /** Needed by scenarios with images. */
  registry?: LocalRegistry;
  mock: boolean;
  /** relkit's actions/ folder (their action.yml and the committed bundles they point at). */
  actionsDir: string;
  /** The reusable workflow, `.github/workflows/release.yml`. */
  workflowFile: string;
  workdir: string;
  /** GITHUB_RUN_ID: re-runs of one run keep it. */
  runId?: string;
  /** "Re-run failed jobs" of this earlier attempt. */
  previous?: RunRecord;
  /** The repository's secrets: the App's (default), or none, as a repository without an App has. */
  secrets?: 'app' | 'github-token-only';
  /** The user's own workflow_dispatch workflow that calls release.yml (or the actions), run instead of release.yml. */
  caller?: CallerWorkflow;
  /** Third-party actions' trees, as `owner/repo@ref` folders (`--actions-dir`). */
  actionCache?: string;
  /** Fetch the caller's actions the cache lacks into it first, from this API (`--download-actions`). */
  downloadActions?: ActionSource;
  log?: (line: string) => void;
  /** Lines a user sees even without --verbose (the actions downloaded). */
  notify?: (line: string) => void;
}

/**
 * Every `uses:` release.yml has: actions published in the sandbox (relkit/<action> repositories, as
 * the self scenario has them), else relkit's bundles of this checkout, then the GitHub actions the
 * runner shims.
 */
export function rehearsalActions(actionsDir: string, published?: { sandbox: Sandbox; cacheDir: string }, standsFor?: string, actionCache?: string): (uses: string) => ActionHandler | undefined {
  const finders = [
    ...(published ? [publishedActions(published.sandbox, published.cacheDir)] : []),
    bundledActions(actionsDir, standsFor),
    checkoutAction,
    appTokenAction,
    artifactActions(),
    ...(actionCache ? [cachedActions(actionCache)] : []),
  ];
  return (uses) => {
    for (const find of finders) {
      const handler = find(uses);
      if (handler) return handler;
    }
    return undefined;
  };
}

function branchHead(sandbox: Sandbox, repository: string, branch: string): string {
  const sha = sandbox.state.repo(repository)?.refs.get(`refs/heads/${branch}`);
  if (!sha) throw new Error(`${repository} has no branch ${branch}`);
  return sha;
}

/**
 * What the world around a release does while it runs: the project's image CI pushes the images
 * once the release commit exists, and the image promoter merges the promotion PR and copies the
 * staging images to production. Both stop when the run ends.
 */
function startBystanders(options: RehearseOptions, log: (line: string) => void): () => Promise<void> {
  const { scenario, sandbox, registry, mock } = options;
  let stopped = false;
  const tasks: Promise<void>[] = [];
  const tag = scenario.expect.tag;
  const failures: string[] = [];
  // A bystander that breaks (a push the registry refuses) must not become an unhandled rejection
  // while the run goes on: it stops, and the rehearsal reports it after the run.
  const every = async (who: string, ms: number, step: () => Promise<boolean>) => {
    try {
      while (!stopped) {
        if (await step()) return;
        await new Promise((r) => setTimeout(r, ms));
      }
    } catch (error) {
      failures.push(`${who}: ${(error as Error).message}`);
      log(`${who} failed: ${(error as Error).message}`);
    }
  };
  const images = scenario.images;
  if (images && registry) {
    const immediate = scenario.inputs['bump-mode'] === 'none';
    const pushes = sandbox.state.repo(scenario.repository)?.pushes ?? [];
    const since = pushes.length;
    const trigger: ImageTrigger = images.trigger === 'tag' ? { on: 'tag', tag } : { on: 'branch', branch: scenario.expect.branch };
    const reported = new Set<Push>();
    tasks.push(
      every('image CI', 100, async () => {
        // A mock run pushes nothing, so CI has nothing new to build.
        if (!immediate) {
          if (mock) return false;
          const { push, ignored } = triggeringPush(pushes, since, trigger);
          for (const skipped of ignored.filter((p) => !reported.has(p))) {
            reported.add(skipped);
            log(`image CI: not started, the push of ${skipped.ref} by ${skipped.actor} (GITHUB_TOKEN) starts no workflow`);
          }
          if (!push) return false;
          log(`image CI: started by the push of ${push.ref} by ${push.actor}`);
        }
        for (const repository of images.staging) await registry.pushIndex(repository, tag, images.platforms);
        log(`image CI: pushed ${images.staging.map((r) => `${registry.host}/${r}:${tag}`).join(', ')}`);
        return true;
      }),
    );
  }
  const promoter = scenario.promoter;
  const production = images?.production;
  if (promoter && images && production && registry && !mock) {
    tasks.push(
      every('image promoter', 100, async () => {
        const repo = sandbox.state.repo(promoter.repository);
        const pull = repo?.pulls.find((p) => p.state === 'open' && p.title.includes(tag));
        if (!repo || !pull) return false;
        if (promoter.mergeAfterMinutes) {
          // The review takes this long on the sandbox clock: tokens minted before it may have expired.
          sandbox.advanceClock(promoter.mergeAfterMinutes * 60_000);
          log(`image promoter: ${promoter.repository}#${pull.number} reviewed, ${promoter.mergeAfterMinutes} minutes later (sandbox clock)`);
        }
        const [owner, name] = promoter.repository.split('/') as [string, string];
        const merged = await fetch(`${sandbox.urls.api}/repos/${owner}/${name}/pulls/${pull.number}/merge`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${SANDBOX_TOKENS.admin}`, 'content-type': 'application/json' },
          body: JSON.stringify({ merge_method: 'squash' }),
        });
        if (!merged.ok) throw new Error(`promoter: merging #${pull.number} failed: ${merged.status} ${await merged.text()}`);
        for (const repository of production) await registry.pushIndex(repository, tag, images.platforms);
        log(`image promoter: merged ${promoter.repository}#${pull.number} and copied the images to ${production.map((r) => `${registry.host}/${r}`).join(', ')}`);
        return true;
      }),
    );
  }
  return async () => {
    stopped = true;
    await Promise.all(tasks);
    if (failures.length > 0) throw new Error(`the rehearsal's ${failures.join('; ')}`);
  };
}

/** The caller's `with:` for release.yml: the scenario's inputs with the registry filled in. */
export function callerInputs(scenario: Scenario, registry: LocalRegistry | undefined, mock: boolean): Record<string, unknown> {
  const inputs: Record<string, unknown> = { 'poll-interval': '200ms', ...scenario.inputs, mock };
  for (const [key, value] of Object.entries(inputs)) {
    if (typeof value !== 'string' || !value.includes('{registry}')) continue;
    if (!registry) throw new Error(`the ${scenario.name} scenario needs a registry for ${key}`);
    inputs[key] = value.replaceAll('{registry}', registry.host);
  }
  return inputs;
}

/** Runs release.yml for a scenario against the sandbox, as a workflow_dispatch caller would. */
export async function rehearse(options: RehearseOptions): Promise<RunRecord> {
  const { scenario, sandbox } = options;
  const log = options.log ?? (() => {});
  const branch = scenario.inputs.branch ?? scenario.dispatchBranch;
  for (const name of new Set([scenario.dispatchBranch, scenario.expect.branch, String(branch)])) {
    if (!sandbox.state.repo(scenario.repository)?.refs.has(`refs/heads/${name}`)) {
      throw new UserError(`${scenario.repository} has no branch ${name} to release from.`, 'Name a branch the repository has (--branch), or check it out before rehearsing.');
    }
  }
  const [owner] = scenario.repository.split('/') as [string];
  const head = branchHead(sandbox, scenario.repository, scenario.dispatchBranch);
  // A dispatched workflow and the workflows it calls come from the dispatched commit, as on GitHub.
  const fromSandbox = async (repository: string, ref: string, path: string) => {
    const content = fileAt(sandbox, repository, ref, path);
    if (content === undefined) throw new UserError(`${repository}@${ref.slice(0, 12)} has no ${path}.`, 'Name a workflow the repository has at that commit.');
    return loadWorkflow(basename(path), content);
  };
  const caller = options.caller;
  const releaseWorkflow = () => loadWorkflow(basename(options.workflowFile), readFileSync(options.workflowFile, 'utf8'));
  const workflow = caller ? await loadWorkflow(caller.name, caller.content) : scenario.workflow ? await fromSandbox(scenario.repository, head, scenario.workflow) : await releaseWorkflow();
  // A caller pins a relkit release (`@v1`): this checkout is rehearsed as that release.
  const standsFor = caller ? callerRelkitRef(caller.content) : undefined;
  const app = options.secrets === 'github-token-only' ? undefined : { id: String(SANDBOX_APP_ID), key: sandbox.appPrivateKey() };
  const credentials = caller ? callerCredentials(caller.content, app) : { secrets: {}, vars: {} };
  const registry = options.registry;
  const loadCalled = (ref: string) => {
    if (caller && isRelkitWorkflow(ref)) return releaseWorkflow();
    if (ref.startsWith('./')) return fromSandbox(scenario.repository, head, ref.slice(2));
    const match = /^([^/]+\/[^/]+)\/(.+)@(.+)$/.exec(ref);
    if (!match) throw new Error(`cannot load the called workflow ${ref}`);
    return fromSandbox(match[1] ?? '', match[3] ?? '', match[2] ?? '');
  };
  const actions = rehearsalActions(options.actionsDir, { sandbox, cacheDir: join(options.workdir, '_actions') }, standsFor, options.actionCache);
  if (caller && options.actionCache && options.downloadActions) {
    for (const fetched of await downloadMissingActions(caller.content, actions, options.actionCache, options.downloadActions))
      (options.notify ?? log)(`Downloaded ${fetched} into ${options.actionCache}.`);
  }
  const stop = startBystanders(options, log);
  try {
    return await runWorkflow({
      workflow,
      inputs: caller ? dispatchInputs(workflow, scenario, options.mock) : scenario.workflow ? { ...scenario.inputs, mock: options.mock } : callerInputs(scenario, options.registry, options.mock),
      // The caller's images are read from the local registry, and looked at every 200 ms (the sandbox
      // has no rate limit to spare), as the scenarios' own runs do.
      ...(caller
        ? { callInputs: (ref: string, inputs: Record<string, unknown>) => (isRelkitWorkflow(ref) ? { ...(registry ? localImages(inputs, registry.host) : inputs), 'poll-interval': '200ms' } : inputs) }
        : {}),
      ...(caller ? { vars: credentials.vars } : {}),
      // The repository's secrets, under names GitHub lets a repository hold; release.yml run without a
      // caller gets them as `secrets: inherit` would pass them.
      secrets: repositorySecrets({ ...scenario.secrets, ...credentials.secrets, ...(app ? { RELKIT_APP_ID: app.id, RELKIT_APP_PRIVATE_KEY: app.key } : {}) }),
      loadCalled,
      github: {
        repository: scenario.repository,
        repository_owner: owner,
        ref: `refs/heads/${scenario.dispatchBranch}`,
        ref_name: scenario.dispatchBranch,
        ref_type: 'branch',
        sha: head,
        run_id: options.runId ?? '7001',
        event_name: 'workflow_dispatch',
        actor: 'relkit-admin',
        workflow: caller ? caller.name : scenario.workflow ? 'Release relkit' : 'Release',
        server_url: sandbox.urls.html,
        api_url: sandbox.urls.api,
        graphql_url: sandbox.urls.graphql,
        token: SANDBOX_TOKENS.githubToken,
      },
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        // The sandbox has no secondary rate limits to respect: no pause between writes, quick retries.
        RELKIT_WRITE_INTERVAL_MS: '0',
        RELKIT_NOTIFICATION_INTERVAL_MS: '0',
        RELKIT_RETRY_BASE_MS: '50',
      },
      // Each job's GITHUB_TOKEN: this repository only, the job's effective permissions, ended with the job.
      jobToken: (permissions) => {
        const token = sandbox.mintJobToken(scenario.repository, permissions);
        return { token, revoke: () => sandbox.revokeToken(token) };
      },
      actions,
      workdir: options.workdir,
      log,
      // The Actions API lists the run's jobs as they start and end (the summary job reads their times).
      onJob: (event) =>
        sandbox.recordWorkflowJob(scenario.repository, {
          runId: Number(options.runId ?? '7001'),
          attempt: event.attempt,
          name: event.name,
          workflowName: workflow.name,
          headSha: head,
          headBranch: scenario.dispatchBranch,
          status: event.status,
          conclusion: event.conclusion ?? null,
          startedAt: new Date(event.startedAt).toISOString(),
          completedAt: event.completedAt === undefined ? null : new Date(event.completedAt).toISOString(),
        }),
      ...(options.previous ? { previous: options.previous } : {}),
    });
  } finally {
    await stop();
  }
}
