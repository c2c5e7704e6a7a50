import { expect } from 'vitest';
import type { RunRecord } from '@relkit/rehearsal';

export const ACTIONS = ['bump-version-files', 'draft-release', 'gen-relnotes', 'lock-branch', 'promote-pr', 'wait-for-images'];

/**
 * The runner's "Download action repository" line for `uses` names `sha`. The log is masked as on
 * GitHub, so a secret that happens to occur in the SHA (the App id 1001) shows as *** there.
 */
export function expectDownloaded(logs: string, uses: string, sha: string): void {
  const shown = new RegExp(`Download action repository '${uses.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}' \\(SHA:([0-9a-f*]+)\\)`).exec(logs)?.[1];
  expect(shown, uses).toBeDefined();
  expect(sha, uses).toMatch(new RegExp(`^${shown!.split('***').join('[0-9a-f]+')}$`));
}

export function stepLogs(record: RunRecord): string {
  return Object.values(record.jobs)
    .flatMap((j) => [...j.legs.flatMap((l) => l.steps.map((s) => s.log)), ...(j.called ? [stepLogs(j.called)] : [])])
    .join('\n');
}
