import { defaultIdentities, type SeedCommit, type SeedFixture, type SeedIdentity, type SeedPull, type SeedRepo } from '@relkit/sandbox';

/**
 * The five public release processes relkit automates (Kata, MetalLB, Kubernetes, GAIE, kube-rs) as releases of small repositories shaped like the real
 * ones: the files their release commits touch, merged PRs with the labels and release-note blocks
 * their notes are made from, their branches, tags and earlier releases. Each says how it calls
 * release.yml and what its images are; `rehearse` and the scenario tests run them.
 */
export interface ImagePlan {
  /** Staging repositories (in the rehearsal registry) the project's image CI pushes `tag` to once the release commit lands. */
  staging: string[];
  platforms: string[];
  /** Production repositories the promoter copies the staging images to after the promotion PR merges. */
  production?: string[];
  /** What starts the project's image CI: a push to the release branch (default) or the release tag's push. */
  trigger?: 'branch' | 'tag';
}

export interface Scenario {
  name: string;
  title: string;
  /** The public release process this scenario follows, as the report names it ('' for none). */
  process: string;
  /** What was guessed rather than given (a repository's version files, its next version), for the report. */
  assumed?: string;
  repository: string;
  /** The branch the workflow is started on. */
  dispatchBranch: string;
  /**
   * A workflow_dispatch workflow of the repository to run (read from the dispatched commit), with
   * `inputs` as its inputs; without it, relkit's release.yml is called with `inputs` as its `with:`.
   */
  workflow?: string;
  repos: SeedRepo[];
  /** Inputs the caller's workflow passes to release.yml (mock is set by the run). */
  inputs: Record<string, string | boolean>;
  images?: ImagePlan;
  /**
   * The promoter repository whose PR a bot merges (as the image promoter's job would), after
   * `mergeAfterMinutes` on the sandbox clock (reviews take hours: tokens minted before must cope).
   */
  promoter?: { repository: string; manifest: string; mergeAfterMinutes?: number };
  /** Accounts besides the sandbox's own: the bot that owns the promoter fork, with its token. */
  identities?: SeedIdentity[];
  /** Secrets the repository holds whatever the App: RELKIT_PROMOTE_TOKEN (the fork owner's token). */
  secrets?: Record<string, string>;
  /** What a correct release leaves behind: the scenario tests check these. */
  expect: {
    version: string;
    tag: string;
    branch: string;
    files: Record<string, string | RegExp>;
    published: boolean;
    prerelease: boolean;
    latest: boolean;
    assets: string[];
    notes: Array<string | RegExp>;
    locked: boolean;
    movedBranches?: string[];
  };
}

/** Day `n` of the scenarios' shared calendar, at noon UTC. */
/** The commit id of a scenario's n-th pull request; the data is fixed, so a miss is a bug in the scenario. */
export function commitOf(prs: Array<ReturnType<typeof pr>>, n: number): string {
  const found = prs[n];
  if (!found) throw new Error(`The scenario has no pull request #${n + 1}.`);
  return found.commit.id;
}

export const day = (n: number) => new Date(Date.UTC(2026, 9, 1 + n, 12)).toISOString();

export function pr(
  number: number,
  title: string,
  options: { user: string; labels?: string[]; note?: string; base?: string; files: Record<string, string>; at: number },
): { commit: SeedCommit; pull: SeedPull } {
  const id = `pr${number}`;
  return {
    commit: { id, message: `${title} (#${number})`, author: options.user, date: day(options.at), files: options.files },
    pull: {
      number,
      title,
      user: options.user,
      labels: options.labels ?? [],
      head: `${options.user}/${title
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .slice(0, 30)}`,
      base: options.base ?? 'main',
      mergeCommit: id,
      mergedAt: day(options.at),
      body: options.note === undefined ? `${title}.` : `${title}.\n\n\`\`\`release-note\n${options.note}\n\`\`\`\n`,
    },
  };
}

/** The sandbox seed of a scenario: its repositories, and the sandbox's identities plus its own. */
export function scenarioSeed(scenario: Scenario): SeedFixture {
  return { identities: [...defaultIdentities(), ...(scenario.identities ?? [])], repos: scenario.repos };
}
