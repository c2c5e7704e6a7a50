#!/usr/bin/env node
// Vendors real release commits as bump-version-files acceptance cases. For each commit it writes
// `before/` (the parent's copy of every file the commit changed and every file the preset reads),
// `release.patch` (the commit's own diff of those files, as git prints it) and case.json.
// Maintainers run it against a local clone; the corpus it writes is committed, the clone is not.
//
//   node scripts/vendor-release-corpus.mjs --repo-dir ~/src/kata-containers --project kata-containers/kata-containers \
//     --preset kata --reads VERSION,tools/packaging/kata-deploy/helm-chart/kata-deploy/Chart.yaml --version-file VERSION \
//     081a69fba0 224ae841ac …
//
// --out-of-scope 'path=why;path=why' lists files a release changed with another tool (Chart.lock by
// `helm dependency update`), kept in the patch but not compared; only files the commit changed are listed.
// Files over 32 KiB are stored gzipped (`name.gz`): generated manifests would otherwise make the
// corpus megabytes; the patch stays plain text, so a review reads what each release changed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'repo-dir': { type: 'string' },
    project: { type: 'string' },
    preset: { type: 'string' },
    reads: { type: 'string', default: '' },
    'version-file': { type: 'string' },
    inputs: { type: 'string', default: '{}' },
    'out-of-scope': { type: 'string', default: '' },
  },
});
const repo = values['repo-dir'];
if (!repo || !values.project || !values.preset || positionals.length === 0) {
  console.error("Usage: vendor-release-corpus.mjs --repo-dir DIR --project OWNER/NAME --preset NAME [--reads a,b] [--version-file F] [--out-of-scope 'path=why;…'] COMMIT…");
  process.exit(2);
}
const GZIP_ABOVE = 32 * 1024;
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
const reasons = Object.fromEntries(
  values['out-of-scope']
    .split(';')
    .filter(Boolean)
    .map((pair) => [pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1).trim()]),
);
for (const commit of positionals) {
  const sha = git('rev-parse', `${commit}^{commit}`).toString().trim();
  const subject = git('log', '-1', '--format=%s', sha).toString().trim();
  const date = git('log', '-1', '--format=%cs', sha).toString().trim();
  const changed = git('diff-tree', '--no-commit-id', '--no-renames', '--name-only', '-r', `${sha}^`, sha).toString().trim().split('\n').filter(Boolean);
  const reads = values.reads.split(',').filter(Boolean);
  // The version comes from the released tree, or from the subject ("Automated update for release v0.15.0").
  const version = values['version-file'] ? git('show', `${sha}:${values['version-file']}`).toString().trim() : /(\d+\.\d+\.\d+(?:-[\w.]+)?)/.exec(subject)?.[1];
  if (!version) throw new Error(`${commit}: no version found (${subject})`);
  const name = `${values.project.split('/')[1]}-${version}`;
  const dir = join(out, name);
  rmSync(dir, { recursive: true, force: true });
  for (const path of new Set([...changed, ...reads])) {
    if (!exists(`${sha}^`, path)) continue;
    const bytes = git('show', `${sha}^:${path}`);
    const file = join(dir, 'before', bytes.length > GZIP_ABOVE ? `${path}.gz` : path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, bytes.length > GZIP_ABOVE ? gzipSync(bytes, { level: 9 }) : bytes);
  }
  writeFileSync(join(dir, 'release.patch'), git('diff-tree', '-p', '--no-renames', '--no-commit-id', '-r', `${sha}^`, sha));
  const inputs = { preset: values.preset, version, ...JSON.parse(values.inputs) };
  const outOfScope = Object.fromEntries(Object.entries(reasons).filter(([path]) => changed.includes(path)));
  writeFileSync(
    join(dir, 'case.json'),
    `${JSON.stringify({ project: values.project, commit: sha, subject, date, changed, inputs, ...(Object.keys(outOfScope).length ? { outOfScope } : {}) }, null, 2)}\n`,
  );
  console.log(`${name}: ${sha.slice(0, 10)} ${date} ${subject} (${changed.length} changed)`);
}
