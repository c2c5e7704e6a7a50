import { fileURLToPath } from 'node:url';
import { startSandbox, type Sandbox } from '@relkit/sandbox';
import { rehearse, scenario as loadScenario, scenarioSeed, selfScenario, type CallerWorkflow, type LocalRegistry, type RunRecord, type Scenario } from '@relkit/rehearsal';
import { validateAgainstOpenApi } from '../helpers/openapi.js';
import { scratchDir } from '../helpers/scratch.js';

export const ACTIONS = fileURLToPath(new URL('../../actions/', import.meta.url));
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const RELEASE_YML = fileURLToPath(new URL('../../.github/workflows/release.yml', import.meta.url));

export interface Stage {
  scenario: Scenario;
  sandbox: Sandbox;
  /** Answers that did not fit GitHub's OpenAPI description. */
  violations: string[];
  run(options: {
    mock: boolean;
    previous?: RunRecord;
    registry?: LocalRegistry;
    runId?: string;
    secrets?: 'app' | 'github-token-only';
    caller?: CallerWorkflow;
    actionCache?: string;
    downloadActions?: { apiUrl: string; token?: string };
  }): Promise<RunRecord>;
  close(): Promise<void>;
}

/** A fresh sandbox seeded with one scenario, every answer checked against GitHub's OpenAPI description. */
export async function stage(name: string, change?: (scenario: Scenario) => void): Promise<Stage> {
  const scenario = name === 'self' ? selfScenario(ROOT) : name === 'self-first' ? selfScenario(ROOT, { first: true }) : loadScenario(name);
  change?.(scenario);
  const violations: string[] = [];
  const sandbox = await startSandbox({ seed: scenarioSeed(scenario), onResponse: (record) => violations.push(...validateAgainstOpenApi(record)) });
  const workdir = await scratchDir(`rehearsal-${name}`);
  return {
    scenario,
    sandbox,
    violations,
    run: ({ mock, previous, registry, runId, secrets, caller, actionCache, downloadActions }) =>
      rehearse({
        scenario,
        sandbox,
        mock,
        actionsDir: ACTIONS,
        workflowFile: RELEASE_YML,
        workdir,
        ...(previous ? { previous } : {}),
        ...(registry ? { registry } : {}),
        ...(runId ? { runId } : {}),
        ...(secrets ? { secrets } : {}),
        ...(caller ? { caller } : {}),
        ...(actionCache ? { actionCache } : {}),
        ...(downloadActions ? { downloadActions } : {}),
      }),
    close: () => sandbox.close(),
  };
}

/** Why each failed job failed (in called workflows too), for assertion messages. */
export function failures(record: RunRecord): string {
  if (record.error) return record.error;
  const called = Object.values(record.jobs).flatMap((j) => (j.called && j.result === 'failure' ? [failures(j.called)] : []));
  return Object.values(record.jobs)
    .flatMap((job) =>
      job.legs
        .filter((l) => l.result === 'failure')
        .map(
          (l) =>
            `${job.id}${Object.keys(l.matrix).length ? ` ${JSON.stringify(l.matrix)}` : ''}: ${l.error ?? job.reason}\n${l.steps
              .filter((s) => s.conclusion === 'failure')
              .map((s) => s.log.slice(-1500))
              .join('\n')}`,
        ),
    )
    .concat(
      Object.values(record.jobs)
        .filter((j) => j.result === 'failure' && j.legs.length === 0 && !j.called)
        .map((j) => `${j.id}: ${j.reason}`),
    )
    .concat(called)
    .join('\n---\n');
}
