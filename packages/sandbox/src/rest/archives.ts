import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { pack } from 'tar-stream';
import { ZipFile } from 'yazl';
import { HttpError, type Router } from '../http.js';
import type { Repository } from '../model.js';
import type { Commit } from '../git-objects.js';
import { resolveCommitish } from '../repo-ops.js';

interface ArchiveEntry {
  /** Path under the archive's top folder; folders end in `/`. */
  path: string;
  kind: 'directory' | 'file' | 'executable' | 'symlink';
  /** File content, or a symlink's target: read when the archive reaches the entry. */
  read: () => Buffer;
}

/**
 * Every folder, file and symlink of a commit's tree, one blob read at a time so an archive of a
 * 15,000-file tree never holds more than one file. Submodules (commit entries) are left out, as
 * GitHub's archives leave them out.
 */
function* treeEntries(repo: Repository, tree: string, prefix = ''): Generator<ArchiveEntry> {
  for (const entry of repo.objects.tree(tree) ?? []) {
    const path = `${prefix}${entry.name}`;
    if (entry.type === 'tree') {
      yield { path: `${path}/`, kind: 'directory', read: () => Buffer.alloc(0) };
      yield* treeEntries(repo, entry.sha, `${path}/`);
    } else if (entry.type === 'blob') {
      const sha = entry.sha;
      yield { path, kind: entry.mode === '120000' ? 'symlink' : entry.mode === '100755' ? 'executable' : 'file', read: () => repo.objects.blob(sha) ?? Buffer.alloc(0) };
    }
  }
}

function collect(): { push: (chunk: Uint8Array) => void; result: () => Buffer } {
  const chunks: Buffer[] = [];
  return { push: (chunk) => chunks.push(Buffer.from(chunk)), result: () => Buffer.concat(chunks) };
}

/**
 * A commit's tree as GitHub's tarball, which `git archive` builds
 * (https://docs.github.com/repositories/working-with-files/using-files/downloading-source-code-archives): gzip, one top folder
 * `<owner>-<repo>-<short sha>/`, modes 664/775 (git's default tar.umask 002) and symlinks (GitHub's also starts with a pax global header naming the commit, which
 * extraction ignores). One request gives a whole checkout, which is how actions/checkout fetches a
 * repository when git is not used.
 */
async function tarball(repo: Repository, commit: Commit, top: string): Promise<Buffer> {
  const archive = pack();
  const gzip = createGzip();
  const out = collect();
  const done = new Promise<Buffer>((resolve, reject) => {
    gzip.on('data', out.push);
    gzip.on('end', () => resolve(out.result()));
    gzip.on('error', reject);
    archive.on('error', reject);
  });
  archive.pipe(gzip);
  const mtime = new Date(commit.committer.time * 1000);
  // Each entry waits for the previous one to be written: tar-stream queues entries added at once,
  // which held the whole uncompressed tree in memory.
  const add = (header: Parameters<typeof archive.entry>[0], data?: Buffer) =>
    new Promise<void>((resolve, reject) => {
      const callback = (error?: Error | null) => (error ? reject(error) : resolve());
      if (data) archive.entry(header, data, callback);
      else archive.entry(header, callback);
    });
  await add({ name: `${top}/`, type: 'directory', mode: 0o775, mtime });
  for (const entry of treeEntries(repo, commit.tree)) {
    const name = `${top}/${entry.path}`;
    if (entry.kind === 'directory') await add({ name, type: 'directory', mode: 0o775, mtime });
    else if (entry.kind === 'symlink') await add({ name, type: 'symlink', linkname: entry.read().toString('utf8'), mode: 0o777, mtime });
    else await add({ name, mode: entry.kind === 'executable' ? 0o775 : 0o664, mtime }, entry.read());
  }
  archive.finalize();
  return done;
}

const ZIP_MODE = { directory: 0o40755, file: 0o100644, executable: 0o100755, symlink: 0o120777 } as const;

/**
 * A commit's tree as GitHub's zipball (`git archive --format=zip`): the same top folder, deflated
 * files, Unix modes and symlinks (stored as their target).
 */
async function zipball(repo: Repository, commit: Commit, top: string): Promise<Buffer> {
  const mtime = new Date(commit.committer.time * 1000);
  const zip = new ZipFile();
  const out = collect();
  const done = new Promise<Buffer>((resolve, reject) => {
    zip.outputStream.on('data', out.push);
    zip.outputStream.on('end', () => resolve(out.result()));
    zip.outputStream.on('error', reject);
  });
  zip.addEmptyDirectory(`${top}/`, { mtime, mode: ZIP_MODE.directory });
  for (const entry of treeEntries(repo, commit.tree)) {
    const name = `${top}/${entry.path}`;
    if (entry.kind === 'directory') zip.addEmptyDirectory(name, { mtime, mode: ZIP_MODE.directory });
    // Lazily: yazl asks for each file's content when it gets to it, so one file is in memory at a time.
    else zip.addReadStreamLazy(name, { mtime, mode: ZIP_MODE[entry.kind], compress: entry.kind !== 'symlink' }, (callback) => callback(null, Readable.from([entry.read()])));
  }
  zip.end();
  return done;
}

const FORMATS = {
  tarball: { build: tarball, type: 'application/x-gzip', extension: 'tar.gz' },
  zipball: { build: zipball, type: 'application/zip', extension: 'zip' },
} as const;

export function registerArchiveRoutes(router: Router): void {
  for (const [format, { build, type, extension }] of Object.entries(FORMATS)) {
    for (const route of [`/repos/{owner}/{repo}/${format}/{ref}`, `/repos/{owner}/{repo}/${format}`]) {
      router.add('GET', route, async (ctx) => {
        const repo = ctx.repo();
        const ref = ctx.params.ref ?? repo.defaultBranch;
        const sha = resolveCommitish(repo, ref);
        const commit = sha ? repo.objects.commit(sha) : undefined;
        if (!sha || !commit) throw new HttpError(404, 'Not Found');
        const top = `${repo.owner.login}-${repo.name}-${sha.slice(0, 7)}`;
        return { status: 200, raw: await build(repo, commit, top), headers: { 'content-type': type, 'content-disposition': `attachment; filename=${top}.${extension}` } };
      });
    }
  }
}
