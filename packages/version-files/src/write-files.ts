import { chmod, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { WritePath } from '@relkit/kit';

/**
 * Writes every file through a temporary sibling and a rename, and only renames once every
 * temporary file is in place: a failure part way leaves the workspace as it was.
 */
export async function writeFilesAtomically(root: string, files: Array<{ path: string; after: Buffer }>, writes: WritePath): Promise<void> {
  const staged: Array<{ path: string; temp: string; target: string }> = [];
  try {
    if (!writes.mock) {
      for (const file of files) {
        const target = join(root, file.path);
        const temp = join(dirname(target), `.${basename(target)}.relkit-${process.pid}.tmp`);
        const { mode } = await stat(target);
        await writeFile(temp, file.after);
        await chmod(temp, mode & 0o7777);
        staged.push({ path: file.path, temp, target });
      }
    }
  } catch (error) {
    await Promise.all(staged.map((s) => rm(s.temp, { force: true })));
    throw error;
  }
  for (const file of files) {
    const stage = staged.find((s) => s.path === file.path);
    await writes.perform({ method: 'WRITE', target: file.path, summary: 'set the new version' }, async () => {
      if (stage) await rename(stage.temp, stage.target);
    });
  }
}
