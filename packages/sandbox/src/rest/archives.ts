import { createGzip } from 'node:zlib';
import { pack } from 'tar-stream';
import { HttpError, type Router } from '../http.js';
import type { Repository } from '../model.js';
import { resolveCommitish } from '../repo-ops.js';

/**
 * A commit's tree as GitHub's tarball: gzip, one top folder `<owner>-<repo>-<short sha>/`, modes
 * 644/755 and symlinks (GitHub's also starts with a pax global header naming the commit, which
 * extraction ignores). One request gives a whole checkout, which is how actions/checkout fetches a repository
 * when git is not used.
 */
async function tarball(repo: Repository, sha: string): Promise<Buffer> {
  const archive = pack();
  const gzip = createGzip();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
    gzip.on('end', () => resolve(Buffer.concat(chunks)));
    gzip.on('error', reject);
    archive.on('error', reject);
  });
  archive.pipe(gzip);
  const commit = repo.objects.commit(sha)!;
  const mtime = new Date(commit.committer.time * 1000);
  const top = `${repo.owner.login}-${repo.name}-${sha.slice(0, 7)}`;
  archive.entry({ name: `${top}/`, type: 'directory', mode: 0o755, mtime });
  const visit = (tree: string, prefix: string) => {
    for (const entry of repo.objects.tree(tree) ?? []) {
      const name = `${top}/${prefix}${entry.name}`;
      if (entry.type === 'tree') {
        archive.entry({ name: `${name}/`, type: 'directory', mode: 0o755, mtime });
        visit(entry.sha, `${prefix}${entry.name}/`);
      } else if (entry.type === 'blob') {
        const data = repo.objects.blob(entry.sha) ?? Buffer.alloc(0);
        if (entry.mode === '120000') archive.entry({ name, type: 'symlink', linkname: data.toString('utf8'), mode: 0o777, mtime });
        else archive.entry({ name, mode: entry.mode === '100755' ? 0o755 : 0o644, mtime }, data);
      }
      // Submodules (commit entries) are left out, as GitHub's archives leave them out.
    }
  };
  visit(commit.tree, '');
  archive.finalize();
  return done;
}

export function registerArchiveRoutes(router: Router): void {
  for (const route of ['/repos/{owner}/{repo}/tarball/{ref}', '/repos/{owner}/{repo}/tarball']) {
    router.add('GET', route, async (ctx) => {
      const repo = ctx.repo();
      const ref = (ctx.params.ref as string | undefined) ?? repo.defaultBranch;
      const sha = resolveCommitish(repo, ref);
      if (!sha || !repo.objects.commit(sha)) throw new HttpError(404, 'Not Found');
      return { status: 200, raw: await tarball(repo, sha), headers: { 'content-type': 'application/x-gzip', 'content-disposition': `attachment; filename=${repo.owner.login}-${repo.name}-${sha.slice(0, 7)}.tar.gz` } };
    });
  }
}
