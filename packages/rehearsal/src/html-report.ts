import { Marked, type Tokens } from 'marked';
import { escapeHtml } from '@relkit/kit';
import type { RequestLogEntry, Sandbox } from '@relkit/sandbox';
import type { JobRecord, RunRecord, StepRecord } from './records.js';
import type { Scenario } from './scenario.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
const anchor = (id: string) => `job-${id.replace(/[^\w-]+/g, '-')}`;

/**
 * Notes come from pull request titles and bodies: raw HTML in them is shown as text, never run.
 * The page must work offline, and links into the sandbox die with it: a link is shown as text
 * with its address on hover (the sandbox's own addresses marked as such).
 */
function renderNotes(notes: string, sandboxHtml: string): string {
  const markdown = new Marked({
    gfm: true,
    renderer: {
      html: (token: Tokens.HTML | Tokens.Tag) => escapeHtml(token.text),
      link(token: Tokens.Link) {
        const text = this.parser.parseInline(token.tokens);
        if (token.href.startsWith('#')) return `<a href="${escapeHtml(token.href)}">${text}</a>`;
        const where = token.href.startsWith(sandboxHtml) ? `in the sandbox: ${token.href.slice(sandboxHtml.length)}` : token.href;
        return `<span class="link" title="${escapeHtml(where)}">${text}</span>`;
      },
    },
  });
  return markdown.parse(notes, { async: false });
}

interface TimedJob {
  path: string;
  job: JobRecord;
}

function flatten(record: RunRecord, prefix = ''): TimedJob[] {
  return Object.values(record.jobs).flatMap((job) => [{ path: `${prefix}${job.id}`, job }, ...(job.called ? flatten(job.called, `${prefix}${job.id} / `) : [])]);
}

function timeline(jobs: TimedJob[]): string {
  const timed = jobs.filter((j) => j.job.startedAt !== undefined);
  const start = Math.min(...timed.map((j) => j.job.startedAt ?? 0));
  const end = Math.max(...timed.map((j) => (j.job.startedAt ?? 0) + j.job.durationMs), start + 1);
  const rows = jobs.map(({ path, job }) => {
    const left = job.startedAt === undefined ? 0 : ((job.startedAt - start) / (end - start)) * 100;
    const width = Math.max(0.5, (job.durationMs / (end - start)) * 100);
    const attempt = job.attempt > 1 ? ` · attempt ${job.attempt}` : '';
    return `<a class="row" href="#${anchor(path)}" data-job="${escapeHtml(path)}"><span class="name">${escapeHtml(path)}</span><span class="track"><span class="bar ${job.result}" style="left:${left.toFixed(2)}%;width:${width.toFixed(2)}%"></span></span><span class="when">${job.result}${job.result === 'skipped' ? '' : ` · ${seconds(job.durationMs)}`}${attempt}</span></a>`;
  });
  return `<section id="timeline"><h2>Timeline</h2><div class="timeline">${rows.join('')}</div><p class="muted">${seconds(end - start)} from the first job's start to the last job's end.</p></section>`;
}

function stepHtml(step: StepRecord): string {
  return `<details class="step ${step.conclusion}"><summary>${escapeHtml(step.name)} <span class="muted">${step.conclusion} · ${seconds(step.durationMs)}</span></summary>${
    Object.keys(step.outputs).length
      ? `<table>${Object.entries(step.outputs)
          .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td><code>${escapeHtml(v.length > 400 ? `${v.slice(0, 400)}…` : v)}</code></td></tr>`)
          .join('')}</table>`
      : ''
  }<pre>${escapeHtml(step.log || '(no output)')}</pre></details>`;
}

function requestsTable(entries: RequestLogEntry[]): string {
  if (entries.length === 0) return '<p class="muted">No GitHub API requests.</p>';
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(`${e.method} ${e.route ?? e.path}`, (counts.get(`${e.method} ${e.route ?? e.path}`) ?? 0) + 1);
  return `<details><summary>${entries.length} GitHub API request(s)</summary><table>${[...counts].map(([route, n]) => `<tr><td><code>${escapeHtml(route)}</code></td><td>${n}</td></tr>`).join('')}</table></details>`;
}

function jobSection({ path, job }: TimedJob, log: RequestLogEntry[]): string {
  const end = (job.startedAt ?? 0) + job.durationMs;
  const requests = job.startedAt === undefined ? [] : log.filter((e) => e.at >= (job.startedAt ?? 0) && e.at <= end);
  const legs = job.legs
    .map(
      (leg) =>
        `${job.legs.length > 1 ? `<h4>${escapeHtml(leg.name)} <span class="muted">${leg.result}${leg.attempt ? ` (attempt ${leg.attempt})` : ''}</span></h4>` : ''}${leg.error ? `<p class="error">${escapeHtml(leg.error)}</p>` : ''}${leg.steps.map(stepHtml).join('')}`,
    )
    .join('');
  return `<details class="job ${job.result}" id="${anchor(path)}"${job.result === 'failure' ? ' open' : ''}><summary><b>${escapeHtml(path)}</b> <span class="muted">${job.result}${job.result === 'skipped' ? (job.reason ? ` (${escapeHtml(job.reason)})` : '') : ` · ${seconds(job.durationMs)}`}${job.attempt > 1 ? ` · attempt ${job.attempt}` : ''}</span></summary>${
    job.reason && job.result === 'failure' ? `<p class="error">${escapeHtml(job.reason)}</p>` : ''
  }${legs}${requestsTable(requests)}</details>`;
}

function findStep(jobs: TimedJob[], job: string, id: string): StepRecord | undefined {
  return jobs
    .find((j) => j.job.id === job)
    ?.job.legs.flatMap((l) => l.steps)
    .find((s) => s.id === id);
}

/**
 * The rehearsal as one self-contained HTML page (no script, no stylesheet, no image from anywhere):
 * a timeline of the jobs, each job's steps with their logs folded, the diffs, the notes rendered,
 * the release and its assets, the pull requests, the lock, and the requests each job sent.
 */
export function htmlReport(record: RunRecord, sandbox: Sandbox, scenario: Scenario, mock: boolean): string {
  const jobs = flatten(record);
  const plan = jobs.find((j) => j.job.id === 'plan')?.job.outputs ?? {};
  const repo = sandbox.state.repo(scenario.repository);
  const started = Math.min(...jobs.map((j) => j.job.startedAt ?? Date.now()));
  const sections: string[] = [];
  if (record.error) sections.push(`<section id="refused"><h2>The run did not start</h2><p class="fail">${escapeHtml(record.error)}</p></section>`);

  const diffs = [findStep(jobs, 'bump', 'bump'), findStep(jobs, 'promote', 'pr')].flatMap((s) => [...(s?.summary ?? '').matchAll(/```diff\n([\s\S]*?)```/g)].map((m) => m[1] ?? '')).filter(Boolean);
  sections.push(
    `<section id="files"><h2>Files the release changed${mock ? ' (would change)' : ''}</h2>${
      diffs.length
        ? diffs
            .map(
              (d) =>
                `<pre class="diff">${d
                  .split('\n')
                  .map((line) => `<span class="${line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : line.startsWith('@@') ? 'hunk' : ''}">${escapeHtml(line)}</span>`)
                  .join('\n')}</pre>`,
            )
            .join('')
        : '<p class="muted">No file changed.</p>'
    }</section>`,
  );

  const notes = findStep(jobs, 'notes', 'notes')?.outputs.notes;
  sections.push(
    `<section id="notes"><h2>Release notes</h2>${notes ? `<article class="notes">${renderNotes(notes.replace(/\n<!--[\s\S]*?-->/g, ''), sandbox.urls.html)}</article>` : '<p class="muted">No notes were made.</p>'}</section>`,
  );

  const release = repo?.releases.find((r) => r.tagName === plan.tag);
  sections.push(
    `<section id="release"><h2>Release</h2>${
      release
        ? `<p><b>${escapeHtml(release.name ?? release.tagName)}</b> — ${release.draft ? 'draft' : 'published'}${repo?.latestReleaseId === release.id ? ', latest' : ''}${release.prerelease ? ', pre-release' : ''}, tag <code>${escapeHtml(release.tagName)}</code></p><table><tr><th>Asset</th><th>Bytes</th></tr>${release.assets.map((a) => `<tr><td>${escapeHtml(a.name)}</td><td>${a.data.length}</td></tr>`).join('')}</table>`
        : `<p class="muted">${plan.tag ? `${escapeHtml(plan.tag)}: ${mock ? 'planned, not created (mock)' : 'not created'}` : 'No release was planned.'}</p>`
    }</section>`,
  );

  const pulls = [...sandbox.state.repos.values()].flatMap((r) => r.pulls.filter((p) => Date.parse(p.createdAt) >= started - 1000).map((p) => ({ repo: `${r.owner.login}/${r.name}`, p })));
  sections.push(
    `<section id="pulls"><h2>Pull requests the release opened</h2>${pulls.length ? `<table>${pulls.map(({ repo: name, p }) => `<tr><td>${escapeHtml(name)}#${p.number}</td><td>${escapeHtml(p.title)}</td><td>${p.mergedAt ? 'merged' : p.state}</td></tr>`).join('')}</table>` : '<p class="muted">None.</p>'}</section>`,
  );

  const lock = findStep(jobs, 'lock', 'lock');
  sections.push(
    `<section id="locks"><h2>Lock</h2><p>${lock ? (lock.outputs.locked === 'true' ? `${escapeHtml(scenario.expect.branch)} locked (ruleset ${escapeHtml(lock.outputs['lock-id'] ?? '')}) during the release` : mock ? 'Planned (mock).' : 'Not locked.') : 'This workflow takes no lock.'} Rulesets on ${escapeHtml(scenario.repository)} now: ${repo?.rulesets.length ?? 0}.</p></section>`,
  );

  const ok = record.result === 'success';
  const nav = ['timeline', 'jobs', 'files', 'notes', 'release', 'pulls', 'locks'].map((id) => `<a href="#${id}">${id}</a>`).join(' · ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>relkit rehearsal: ${escapeHtml(scenario.name)}</title>
<style>
body{font:14px/1.5 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1.5em;color:#1f2328}
h1{font-size:1.5em;margin:.2em 0}h2{border-bottom:1px solid #d0d7de;padding-bottom:.2em;margin-top:1.6em}
.muted{color:#59636e}.error{color:#cf222e;white-space:pre-wrap}code,pre{font:12px ui-monospace,monospace}
pre{background:#f6f8fa;padding:.8em;overflow:auto;max-height:28em}
.badge{display:inline-block;padding:.1em .6em;border-radius:1em;color:#fff;background:${ok ? '#1a7f37' : '#cf222e'}}
.timeline{display:grid;gap:3px}.row{display:grid;grid-template-columns:14em 1fr 14em;gap:.6em;align-items:center;color:inherit;text-decoration:none}
.track{position:relative;height:1.1em;background:#f6f8fa;border-radius:3px}.bar{position:absolute;top:0;bottom:0;border-radius:3px}
.success{--c:#1a7f37}.failure{--c:#cf222e}.skipped{--c:#8c959f}.cancelled{--c:#9a6700}.bar{background:var(--c)}
details.job{border:1px solid #d0d7de;border-left:4px solid var(--c);border-radius:4px;margin:.4em 0;padding:.3em .8em}
details.step{margin:.2em 0 .2em 1em}table{border-collapse:collapse;margin:.4em 0}td,th{border:1px solid #d0d7de;padding:.2em .5em;text-align:left}
.diff .add{color:#1a7f37}.diff .del{color:#cf222e}.diff .hunk{color:#8250df}.notes{border:1px solid #d0d7de;border-radius:4px;padding:0 1em}.link{color:#0969da}
</style></head>
<body><header><h1>relkit rehearsal: ${escapeHtml(scenario.name)}${mock ? ' (mock)' : ''} <span class="badge">${record.result}</span></h1>
<p>${escapeHtml(scenario.title)}${scenario.process ? ` — modelled on ${escapeHtml(scenario.process)}` : ''}</p>
<p class="muted">${escapeHtml(scenario.repository)}, started on ${escapeHtml(scenario.dispatchBranch)}${plan.version ? `; version ${escapeHtml(plan.version)}, tag ${escapeHtml(plan.tag ?? '')}` : ''}; attempt ${record.attempt}; ${sandbox.log.length} GitHub API request(s) in all.</p>
<nav>${nav}</nav></header>
${timeline(jobs)}
<section id="jobs"><h2>Jobs</h2>${jobs.map((j) => jobSection(j, sandbox.log)).join('\n')}</section>
${sections.join('\n')}
</body></html>
`;
}
