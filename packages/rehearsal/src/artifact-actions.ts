import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { glob } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { minimatch } from 'minimatch';
import { unresolvedAction, type ActionCall, type ActionHandler, type ActionOutcome } from './run.js';
import { isKnownActionRef } from './platform/action-refs.js';

const UPLOAD = /^actions\/upload-artifact@(v[4-7](\.[\d.]+)?|[0-9a-f]{40})$/;
const DOWNLOAD = /^actions\/download-artifact@(v[4-8](\.[\d.]+)?|[0-9a-f]{40})$/;

function fail(log: string): ActionOutcome {
  return { failed: true, outputs: {}, log: `::error::${log}\n` };
}

function commonDirectory([first, ...rest]: [string, ...string[]]): string {
  let common = dirname(first);
  for (const file of rest) while (!`${dirname(file)}${sep}`.startsWith(`${common}${sep}`) && common !== dirname(common)) common = dirname(common);
  return common;
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

async function upload(call: ActionCall): Promise<ActionOutcome> {
  const name = call.inputs.name || 'artifact';
  const lines = (call.inputs.path ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length === 0) return fail('Input required and not supplied: path');
  const includes = lines.filter((l) => !l.startsWith('!'));
  const excludes = lines.filter((l) => l.startsWith('!')).map((l) => l.slice(1));
  const found = new Set<string>();
  for (const pattern of includes) {
    const absolute = isAbsolute(pattern) ? pattern : resolve(call.workspace, pattern);
    if (existsSync(absolute) && statSync(absolute).isDirectory()) for (const f of filesUnder(absolute)) found.add(join(absolute, f));
    else if (existsSync(absolute)) found.add(absolute);
    else for await (const match of glob(relative(call.workspace, absolute), { cwd: call.workspace })) if (statSync(join(call.workspace, match)).isFile()) found.add(join(call.workspace, match));
  }
  const files = [...found].filter((f) => !excludes.some((e) => minimatch(relative(call.workspace, f), e))).sort();
  const [first, ...more] = files;
  if (first === undefined) {
    const mode = call.inputs['if-no-files-found'] || 'warn';
    const message = `No files were found with the provided path: ${lines.join(', ')}. No artifacts will be uploaded.`;
    return mode === 'error' ? fail(message) : { failed: false, outputs: {}, log: `${mode === 'warn' ? '::warning::' : ''}${message}\n` };
  }
  const target = join(call.runDir, 'artifacts', name);
  if (existsSync(target)) {
    if (call.inputs.overwrite !== 'true') return fail(`Failed to CreateArtifact: (409) Conflict: an artifact with this name already exists on the workflow run: ${name}`);
    rmSync(target, { recursive: true, force: true });
  }
  const root = commonDirectory([first, ...more]);
  const digest = createHash('sha256');
  for (const file of files) {
    const to = join(target, relative(root, file));
    mkdirSync(dirname(to), { recursive: true });
    cpSync(file, to);
    digest.update(relative(root, file)).update(readFileSync(file));
  }
  const id = String(parseInt(createHash('sha1').update(name).digest('hex').slice(0, 8), 16));
  return { failed: false, outputs: { 'artifact-id': id, 'artifact-digest': digest.digest('hex') }, log: `Uploaded ${files.length} file(s) as artifact ${name}.\n` };
}

async function download(call: ActionCall): Promise<ActionOutcome> {
  const store = join(call.runDir, 'artifacts');
  const available = existsSync(store) ? readdirSync(store).sort() : [];
  const into = resolve(call.workspace, call.inputs.path || '.');
  const name = call.inputs.name;
  let chosen: string[];
  if (name) {
    if (!available.includes(name)) return fail(`Unable to download artifact(s): Artifact not found for name: ${name}`);
    chosen = [name];
  } else {
    const { pattern } = call.inputs;
    chosen = pattern ? available.filter((a) => minimatch(a, pattern)) : available;
  }
  // One named artifact, or merge-multiple, lands directly in `path`; otherwise each in its own folder.
  const flat = Boolean(name) || call.inputs['merge-multiple'] === 'true';
  for (const artifact of chosen) cpSync(join(store, artifact), flat ? into : join(into, artifact), { recursive: true });
  return { failed: false, outputs: { 'download-path': into }, log: `Downloaded ${chosen.length} artifact(s): ${chosen.join(', ')}.\n` };
}

/**
 * actions/upload-artifact and actions/download-artifact (v4) over a folder shared by the run's
 * jobs: the same names, the same conflict on a second upload of a name, the same layouts.
 */
export function artifactActions(): (uses: string) => ActionHandler | undefined {
  return (uses) => {
    const handler = UPLOAD.test(uses) ? upload : DOWNLOAD.test(uses) ? download : undefined;
    if (!handler) return undefined;
    return isKnownActionRef(uses) ? handler : unresolvedAction(uses);
  };
}
