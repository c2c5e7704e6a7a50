import { fullName, type SandboxState } from './model.js';

/** State as plain JSON for `GET /_sandbox/state`: everything but raw object bytes. */
export function dumpState(state: SandboxState): Record<string, unknown> {
  return {
    identities: [...state.identities.values()].map((i) => ({ login: i.account.login, kind: i.kind, appId: i.appId ?? null, permissions: i.permissions ?? null })),
    repos: [...state.repos.values()].map((repo) => ({
      fullName: fullName(repo),
      private: repo.private,
      defaultBranch: repo.defaultBranch,
      objects: repo.objects.size,
      refs: Object.fromEntries(repo.refs),
      labels: repo.labels.map((l) => l.name),
      pulls: repo.pulls.map((p) => ({ number: p.number, title: p.title, state: p.state, merged: p.mergedAt !== null, head: p.headRef, base: p.baseRef, labels: p.labels })),
      releases: repo.releases.map((r) => ({
        id: r.id,
        tag: r.tagName,
        draft: r.draft,
        prerelease: r.prerelease,
        immutable: r.immutable,
        assets: r.assets.map((a) => ({ name: a.name, state: a.state, size: a.data.length })),
      })),
      latestReleaseId: repo.latestReleaseId,
      protections: Object.fromEntries(repo.protections),
      rulesets: repo.rulesets,
    })),
  };
}
