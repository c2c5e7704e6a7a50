import type { Sandbox } from '@relkit/sandbox';
import type { JobRecord, RunRecord, StepRecord } from './records.js';
import type { Scenario } from './scenario.js';

/** Every job of the run, those of called workflows included (by their own ids). */
function allJobs(record: RunRecord): Record<string, JobRecord> {
  const jobs: Record<string, JobRecord> = {};
  for (const job of Object.values(record.jobs)) {
    jobs[job.id] = job;
    if (job.called) Object.assign(jobs, allJobs(job.called));
  }
  return jobs;
}

function step(record: RunRecord, job: string, id: string): StepRecord | undefined {
  const legs = allJobs(record)[job]?.legs ?? [];
  return legs.flatMap((l) => l.steps).find((s) => s.id === id);
}

const indent = (text: string, by = '    ') =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => `${by}${l}`)
    .join('\n');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** The rehearsal as a person reads it: jobs, the bump's diff, the notes, the release, the promotion, the lock. */
export function rehearsalReport(record: RunRecord, sandbox: Sandbox, scenario: Scenario, mock: boolean): string {
  const out: string[] = [];
  const icon = { success: '✓', failure: '✗', skipped: '-', cancelled: '⊘' } as const;
  const derived = sandbox.state.repo(scenario.repository)?.derivedPulls ?? 0;
  out.push(
    `relkit rehearsal: ${scenario.name}${mock ? ' (mock)' : ''}`,
    `  ${scenario.title}`,
    ...(scenario.process ? [`  modelled on ${scenario.process}`] : []),
    ...(scenario.assumed ? [`  assumed: ${scenario.assumed}; pass --inputs to choose`] : []),
    `  ${scenario.repository}, started on ${scenario.dispatchBranch}; GitHub sandbox at ${sandbox.urls.api}`,
    ...(derived ? [`  ${derived} pull request(s) derived from merge and squash commit messages (number, title, author, merge time; no labels or bodies, so notes are uncategorised)`] : []),
    '',
    'Jobs',
  );
  const listJobs = (run: RunRecord, prefix: string) => {
    if (run.error) out.push(indent(run.error, `  ✗ ${prefix}(no job started) `));
    for (const job of Object.values(run.jobs)) {
      const id = `${prefix}${job.id}`;
      out.push(
        `  ${icon[job.result]} ${id.padEnd(8)} ${job.result === 'skipped' ? `skipped${job.reason ? ` (${job.reason})` : ''}` : `${job.result.padEnd(8)} ${seconds(job.durationMs)}${job.attempt > 1 ? ` (attempt ${job.attempt})` : ''}`}`,
      );
      if (job.legs.length > 1) for (const leg of job.legs) out.push(`      ${icon[leg.result]} ${leg.name}`);
      for (const leg of job.legs) if (leg.error) out.push(indent(leg.error, '      ! '));
      if (job.reason && job.result === 'failure') out.push(indent(job.reason, '      ! '));
      if (job.called) listJobs(job.called, `${id} / `);
    }
  };
  listJobs(record, '');
  const jobs = allJobs(record);
  const plan = jobs.plan?.outputs ?? {};
  if (plan.version) out.push('', `Version ${plan['previous-version'] ? `${plan['previous-version']} → ` : ''}${plan.version}, tag ${plan.tag}, branch ${plan.branch}`);

  const bump = step(record, 'bump', 'bump');
  const diff = /```diff\n([\s\S]*?)```/.exec(bump?.summary ?? '')?.[1];
  if (diff) out.push('', `Version files${mock ? ' (would change)' : `, committed as ${jobs.bump?.outputs.sha?.slice(0, 12)}`}`, indent(diff));

  const notes = step(record, 'notes', 'notes')?.outputs.notes;
  if (notes) out.push('', `Release notes (${jobs.notes?.outputs['pr-count'] ?? '?'} pull request(s))`, indent(notes.replace(/\n<!--[\s\S]*?-->/g, '')));

  const repo = sandbox.state.repo(scenario.repository);
  const release = repo?.releases.find((r) => r.tagName === plan.tag);
  if (repo && release) {
    const state = release.draft ? 'draft' : `published${repo.latestReleaseId === release.id ? ', latest' : ''}`;
    out.push('', `Release ${release.tagName}: ${state}${release.prerelease ? ', pre-release' : ''}`);
    for (const asset of release.assets) out.push(`    ${asset.name} (${asset.data.length} bytes)`);
  } else if (plan.tag) out.push('', `Release ${plan.tag}: ${mock ? 'planned, not created (mock)' : 'not created'}`);

  const images = jobs.images?.outputs.digests;
  if (images && images !== '{}') out.push('', 'Images ready', ...Object.entries(JSON.parse(images) as Record<string, string>).map(([image, digest]) => `    ${image} ${digest}`));

  const promotion = step(record, 'promote', 'pr');
  if (promotion?.outputs.operation) {
    const change = /```diff\n([\s\S]*?)```/.exec(promotion.summary)?.[1];
    const where = promotion.outputs['pull-request-url'] || `in ${scenario.promoter?.repository ?? 'the promoter repository'}`;
    out.push(
      '',
      `Promotion PR ${where} (${mock ? `mock: would be ${promotion.outputs.operation}` : promotion.outputs.operation}${promotion.outputs.merged === 'true' ? ', merged' : ''})`,
      ...(change ? [indent(change)] : []),
    );
  }

  const lock = step(record, 'lock', 'lock');
  if (lock) {
    const rulesets = repo?.rulesets.length ?? 0;
    out.push(
      '',
      `Lock: ${lock.outputs.locked === 'true' ? `${scenario.expect.branch} locked (${lock.outputs['lock-id']})` : mock ? 'planned (mock)' : 'not locked'} during the release; unlock job ${jobs.unlock?.result}; rulesets on the repository now: ${rulesets}`,
    );
  }
  const published = step(record, 'actions', 'publish-actions');
  if (published?.log)
    out.push(
      '',
      `Action repositories${mock ? ' (mock: planned)' : ''}`,
      ...published.log
        .split('\n')
        .filter((l) => /^[\w.-]+\/[\w.-]+: (committed|already-present|planned)/.test(l))
        .map((l) => `    ${l}`),
    );
  const moved = step(record, 'publish', 'publish')?.outputs['moved-branches'];
  if (moved && moved !== '[]') out.push('', `Branches moved: ${(JSON.parse(moved) as Array<{ branch: string; action: string }>).map((m) => `${m.branch} (${m.action})`).join(', ')}`);
  // Warnings a step raised (a preset's hook not run, PRs that could not be read) are part of what the release did.
  const warnings = Object.values(jobs).flatMap((job) =>
    job.legs.flatMap((leg) =>
      leg.steps.flatMap((s) =>
        [...s.log.matchAll(/^::warning(?: [^\n]*?)?::(.*)$/gm)].map((m) => `${job.id} / ${s.id || s.name}: ${(m[1] ?? '').replace(/%0A/g, ' ').replace(/%0D/g, '').replace(/%25/g, '%')}`),
      ),
    ),
  );
  if (warnings.length > 0) out.push('', 'Warnings', ...[...new Set(warnings)].map((w) => `  ! ${w}`));
  // What the release cost in GitHub's API, so a rehearsal shows it fits in the rate limits.
  out.push('', `GitHub API: ${sandbox.log.length} request(s) (${sandbox.log.filter((e) => e.server === 'graphql').length} GraphQL) in the whole run.`);
  out.push('', record.result === 'success' ? `Release ${mock ? 'rehearsed in mock mode: nothing was changed' : 'finished'}.` : 'The release failed: fix the cause and re-run the failed jobs.');
  return out.join('\n');
}
