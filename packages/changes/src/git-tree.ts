import { createHash } from 'node:crypto';
import { gitBlobSha } from './git-blob.js';

interface Node {
  files: Map<string, string>;
  dirs: Map<string, Node>;
}

function hashTree(node: Node): string {
  const entries: Array<{ name: string; sortKey: string; line: Buffer }> = [];
  for (const [name, sha] of node.files) entries.push({ name, sortKey: name, line: Buffer.concat([Buffer.from(`100644 ${name}\0`), Buffer.from(sha, 'hex')]) });
  for (const [name, child] of node.dirs) entries.push({ name, sortKey: `${name}/`, line: Buffer.concat([Buffer.from(`40000 ${name}\0`), Buffer.from(hashTree(child), 'hex')]) });
  // git orders a tree's entries by name bytes, a subtree's name compared as if it ended in '/'.
  entries.sort((a, b) => Buffer.compare(Buffer.from(a.sortKey), Buffer.from(b.sortKey)));
  const body = Buffer.concat(entries.map((e) => e.line));
  return createHash('sha1').update(`tree ${body.length}\0`).update(body).digest('hex');
}

/**
 * The id git (and GitHub) gives the root tree of these files (all regular, mode 100644): equal ids
 * mean a commit already holds exactly this tree, without listing it.
 */
export function gitTreeSha(files: Array<{ path: string; contents: Buffer }>): string {
  const root: Node = { files: new Map(), dirs: new Map() };
  for (const file of files) {
    const dirs = file.path.split('/');
    const name = dirs.pop() ?? '';
    let node = root;
    for (const dir of dirs) {
      let child = node.dirs.get(dir);
      if (!child) node.dirs.set(dir, (child = { files: new Map(), dirs: new Map() }));
      node = child;
    }
    node.files.set(name, gitBlobSha(file.contents));
  }
  return hashTree(root);
}
