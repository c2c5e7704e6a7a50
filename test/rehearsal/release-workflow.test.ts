import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadWorkflow } from '@relkit/rehearsal';
import { RELEASE_YML } from './scenario-harness.js';

const text = readFileSync(RELEASE_YML, 'utf8');
const workflow = parse(text) as {
  on: { workflow_call: { inputs: Record<string, unknown>; secrets: Record<string, unknown> } };
  permissions: unknown;
  concurrency: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, { permissions?: unknown; steps: Array<{ run?: string; uses?: string }>; if?: string; needs?: string | string[] }>;
};

describe('release.yml, the reusable workflow', () => {
  it("is a workflow GitHub's own parser accepts", async () => {
    const loaded = await loadWorkflow('release.yml', text);
    expect(loaded.template.jobs.map((j) => j.id.value)).toEqual(['plan', 'lock', 'bump', 'notes', 'draft', 'build', 'images', 'promote', 'publish', 'unlock', 'summary']);
  });

  // The summary draws the jobs as a chain in the order of its needs: true only while each job's
  // needs, less what its other needs already imply, is the job before it.
  it("is one chain of jobs in the summary's needs order, as the summary's graph draws it", () => {
    const order = ([] as string[]).concat(workflow.jobs.summary!.needs ?? []);
    // `needs: plan` and `needs: [plan]` say the same.
    const needs = (id: string) => new Set<string>(([] as string[]).concat(workflow.jobs[id]!.needs ?? []));
    const implied = (id: string): Set<string> => new Set([...needs(id)].flatMap((n) => [n, ...implied(n)]));
    for (const [i, id] of order.entries()) {
      const direct = [...needs(id)].filter((n) => ![...needs(id)].some((m) => m !== n && implied(m).has(n)));
      expect(direct, id).toEqual(i === 0 ? [] : [order[i - 1]]);
    }
  });

  // workflow_call itself has no input limit; the 25 of workflow_dispatch bound the caller's own form,
  // which forwards what a maintainer picks per release (the examples forward at most three).
  it('describes every input, mock on by default, and declares the secrets a repository can hold', () => {
    const inputs = workflow.on.workflow_call.inputs as Record<string, { description?: string; required?: boolean; default?: unknown }>;
    for (const [name, input] of Object.entries(inputs)) expect(input.description, name).toMatch(/\S/);
    expect(inputs.mock).toMatchObject({ type: 'boolean', default: true });
    expect(Object.keys(workflow.on.workflow_call.secrets).sort()).toEqual(['RELKIT_APP_ID', 'RELKIT_APP_PRIVATE_KEY', 'RELKIT_PROMOTE_TOKEN', 'RELKIT_TOKEN']);
  });

  it('gives no job more than it needs, and runs one release per repository at a time without cancelling', () => {
    expect(workflow.permissions).toEqual({});
    for (const [id, job] of Object.entries(workflow.jobs)) expect(job.permissions, id).toBeDefined();
    expect(workflow.jobs.plan!.permissions).toEqual({ contents: 'read', 'pull-requests': 'read' });
    expect(workflow.jobs.images!.permissions).toEqual({});
    expect(workflow.concurrency).toEqual({ group: 'relkit-release-${{ github.repository }}', 'cancel-in-progress': false });
  });

  it('never splices an expression into a run: script (inputs reach scripts through env:)', () => {
    for (const [id, job] of Object.entries(workflow.jobs)) for (const step of job.steps) if (step.run) expect(step.run, `${id}: ${step.run.slice(0, 60)}`).not.toMatch(/\$\{\{/);
  });

  it('pins third-party actions by full commit SHA and relkit actions by a release tag', () => {
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps) {
        if (!step.uses) continue;
        if (step.uses.startsWith('relkit/')) expect(step.uses).toMatch(/^relkit\/[a-z-]+@v\d+\.\d+\.\d+$/);
        else expect(step.uses).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
      }
    }
  });

  it('unlocks whenever the lock job ran, whatever happened in between, and summarises always', () => {
    expect(workflow.jobs.unlock!.if).toBe("${{ always() && needs.lock.result != 'skipped' }}");
    expect(workflow.jobs.unlock!.needs).toEqual(expect.arrayContaining(['lock', 'bump', 'draft', 'build', 'publish']));
    expect(workflow.jobs.summary!.if).toBe('always()');
  });
});
