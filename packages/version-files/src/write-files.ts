import { chmod, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { WritePath } from '@relkit/kit';

const PARALLEL = 32;

interface Staged {
  path: string;
  temp: string;
  target: string;
}

async function stage(root: string, file: { path: string; after: Buffer }): Promise<Staged> {
  const target = join(root, file.path);
  const temp = join(dirname(target), `.${basename(target)}.relkit-${process.pid}.tmp`);
  const { mode } = await stat(target);
  await writeFile(temp, file.after, { mode: mode & 0o7777 });
  // writeFile's mode is filtered by the umask; the file must keep exactly the original bits.
  await chmod(temp, mode & 0o7777);
  return { path: file.path, temp, target };
}

/**
 * Writes every file through a temporary sibling and a rename, and only renames once every
 * temporary file is in place: a failure part way leaves the workspace as it was.
 */
export async function writeFilesAtomically(root: string, files: Array<{ path: string; after: Buffer }>, writes: WritePath): Promise<void> {
  const staged = new Map<string, Staged>();
  if (!writes.mock) {
    try {
      for (let i = 0; i < files.length; i += PARALLEL) {
        for (const s of await Promise.all(files.slice(i, i + PARALLEL).map((f) => stage(root, f)))) staged.set(s.path, s);
      }
    } catch (error) {
      await Promise.all(
        files.map((f) => {
          const target = join(root, f.path);
          return rm(join(dirname(target), `.${basename(target)}.relkit-${process.pid}.tmp`), { force: true });
        }),
      );
      throw error;
    }
  }
  for (const file of files) {
    const s = staged.get(file.path);
    await writes.perform({ method: 'WRITE', target: file.path, summary: 'set the new version' }, async () => {
      if (s) await rename(s.temp, s.target);
    });
  }
}
