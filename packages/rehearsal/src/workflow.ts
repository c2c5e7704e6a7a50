import { convertWorkflowTemplate, isMapping, isSequence, NoOperationTraceWriter, parseWorkflow, type WorkflowTemplate } from '@actions/workflow-parser';
import { parse as parseYaml } from 'yaml';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';

export interface LoadedWorkflow {
  name: string;
  /** The workflow file's text, as loaded. */
  source: string;
  template: WorkflowTemplate;
  /** `on.workflow_call.outputs`: output name → its `value` expression text, for callers of this workflow. */
  callOutputs: Record<string, string>;
  /** `on.workflow_call.secrets`: the secret names a caller may pass explicitly. */
  callSecrets: string[];
  /** Keys the converted model leaves out (`with`, `shell`, `working-directory`), read from the parsed tokens. */
  rawStep(jobId: string, index: number, key: string): TemplateToken | undefined;
  /** A job key the converted model leaves out (`timeout-minutes`), read from the parsed tokens. */
  rawJob(jobId: string, key: string): TemplateToken | undefined;
  /** A top-level key the converted model leaves out (`permissions`). */
  rawTop(key: string): TemplateToken | undefined;
}

export class WorkflowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkflowError';
  }
}

/** Parses and checks a workflow with GitHub's own parser; any error GitHub would report stops here. */
export async function loadWorkflow(name: string, content: string): Promise<LoadedWorkflow> {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const parseErrors = parsed.context.errors.getErrors();
  if (parseErrors.length > 0 || !parsed.value) throw new WorkflowError(`${name} is not a valid workflow:\n${parseErrors.map((e) => `  ${e.message}`).join('\n')}`);
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  if (template.errors?.length) throw new WorkflowError(`${name} is not a valid workflow:\n${template.errors.map((e) => `  ${e.Message}`).join('\n')}`);
  const root = parsed.value;
  const jobs = isMapping(root) ? root.find('jobs') : undefined;
  const on = (parseYaml(content) as { on?: { workflow_call?: { outputs?: Record<string, { value?: string }>; secrets?: Record<string, unknown> } } } | null)?.on;
  const callOutputs = Object.fromEntries(Object.entries(on?.workflow_call?.outputs ?? {}).map(([key, output]) => [key, output?.value ?? '']));
  return {
    name,
    source: content,
    template,
    callOutputs,
    callSecrets: Object.keys(on?.workflow_call?.secrets ?? {}),
    rawTop(key) {
      return isMapping(root) ? root.find(key) : undefined;
    },
    rawJob(jobId, key) {
      const job = jobs && isMapping(jobs) ? jobs.find(jobId) : undefined;
      return job && isMapping(job) ? job.find(key) : undefined;
    },
    rawStep(jobId, index, key) {
      const job = jobs && isMapping(jobs) ? jobs.find(jobId) : undefined;
      const steps = job && isMapping(job) ? job.find('steps') : undefined;
      const step = steps && isSequence(steps) ? steps.get(index) : undefined;
      return step && isMapping(step) ? step.find(key) : undefined;
    },
  };
}
