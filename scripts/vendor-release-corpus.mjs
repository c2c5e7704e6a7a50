#!/usr/bin/env node
// Vendors real release commits as bump-version-files acceptance cases: for each commit, the files it
// changed and the files the preset reads, before (its parent) and after (the commit), plus case.json.
// Maintainers run it against a local clone; the corpus it writes is committed, the clone is not.
//
//   node scripts/vendor-release-corpus.mjs --repo-dir ~/src/kata-containers --project kata-containers/kata-containers \
//     --preset kata --reads VERSION,tools/packaging/kata-deploy/helm-chart/kata-deploy/Chart.yaml --version-file VERSION \
//     081a69fba0 224ae841ac …
// --out-of-scope a,b lists files a release changed with another tool (Chart.lock), kept but not compared.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'repo-dir': { type: 'string' }, project: { type: 'string' }, preset: { type: 'string' }, reads: { type: 'string', default: '' }, 'version-file': { type: 'string' }, 'version-from-subject': { type: 'boolean', default: false }, inputs: { type: 'string', default: '{}' }, 'out-of-scope': { type: 'string', default: '' } },
});
const repo = values['repo-dir'];
if (!repo || !values.project || !values.preset || positionals.length === 0) {
  console.error('Usage: vendor-release-corpus.mjs --repo-dir DIR --project OWNER/NAME --preset NAME [--reads a,b] [--version-file F | --version-from-subject] COMMIT…');
  process.exit(2);
}
const git = (...args) => execFileSync('git', ['-C', repo, ...args], { maxBuffer: 1 << 28 });
const out = new URL(`../test/fixtures/release-corpus/${values.preset}/`, import.meta.url).pathname;
const exists = (rev, path) => {
  try {
    execFileSync('git', ['-C', repo, 'cat-file', '-e', `${rev}:${path}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
for (const commit of positionals) {
  const sha = git('rev-parse', `${commit}^{commit}`).toString().trim();
  const subject = git('log', '-1', '--format=%s', sha).toString().trim();
  const date = git('log', '-1', '--format=%cs', sha).toString().trim();
  const changed = git('diff-tree', '--no-commit-id', '--name-only', '-r', `${sha}^`, sha).toString().trim().split('\n').filter(Boolean);
  const reads = values.reads.split(',').filter(Boolean);
  const version = values['version-file'] ? git('show', `${sha}:${values['version-file']}`).toString().trim() : /(\d+\.\d+\.\d+(?:-[\w.]+)?)/.exec(subject)?.[1];
  if (!version) throw new Error(`${commit}: no version found (${subject})`);
  const name = `${values.project.split('/')[1]}-${version}`;
  const dir = join(out, name);
  rmSync(dir, { recursive: true, force: true });
  for (const [side, rev] of [['before', `${sha}^`], ['after', sha]]) {
    for (const path of new Set([...changed, ...reads])) {
      if (!exists(rev, path)) continue;
      const file = join(dir, side, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, git('show', `${rev}:${path}`));
    }
  }
  const inputs = { preset: values.preset, version, ...JSON.parse(values.inputs) };
  // Files the release changed with another tool (Chart.lock by `helm dependency update`) are listed, not compared.
  const outOfScope = values['out-of-scope'].split(',').filter((p) => changed.includes(p));
  writeFileSync(join(dir, 'case.json'), `${JSON.stringify({ project: values.project, commit: sha, subject, date, changed, inputs, ...(outOfScope.length ? { outOfScope } : {}) }, null, 2)}\n`);
  console.log(`${name}: ${sha.slice(0, 10)} ${date} ${subject} (${changed.length} changed)`);
}
