import type { Push } from '@relkit/sandbox';

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

/** What a project's image CI listens for: a push to the release branch, or the release tag being pushed. */
export type ImageTrigger = { on: 'branch'; branch: string } | { on: 'tag'; tag: string };

/**
 * The push that starts the image build, if one happened since `since` (an index into the repository's
 * pushes): `on: push: branches` runs for a new branch head, `on: push: tags` for a created tag; a push
 * made with GITHUB_TOKEN is passed over, as GitHub starts nothing for it.
 * https://docs.github.com/en/actions/writing-workflows/choosing-when-your-workflow-runs/events-that-trigger-workflows#push
 */
export function triggeringPush(pushes: Push[], since: number, trigger: ImageTrigger): { push?: Push; ignored: Push[] } {
  const ref = trigger.on === 'branch' ? `refs/heads/${trigger.branch}` : `refs/tags/${trigger.tag}`;
  const matching = pushes.slice(since).filter((p) => p.ref === ref && p.after !== undefined && (trigger.on === 'branch' || p.before === undefined));
  return { push: matching.find((p) => p.kind !== 'github-actions' && startsWorkflows(p.actor)), ignored: matching.filter((p) => p.kind === 'github-actions' || !startsWorkflows(p.actor)) };
}
