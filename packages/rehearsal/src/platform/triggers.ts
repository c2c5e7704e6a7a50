/**
 * Events made with GITHUB_TOKEN start no workflow run (workflow_dispatch and repository_dispatch
 * aside), so a bump commit or a tag pushed with it builds no images; a push by a GitHub App or a
 * person does.
 * https://docs.github.com/en/actions/writing-workflows/choosing-when-your-workflow-runs/triggering-a-workflow#triggering-a-workflow-from-a-workflow
 */
export const GITHUB_TOKEN_ACTOR = 'github-actions[bot]';

/** Whether a push (or tag, or release) by this account starts the workflows that listen for it. */
export function startsWorkflows(actor: string): boolean {
  return actor !== GITHUB_TOKEN_ACTOR;
}
