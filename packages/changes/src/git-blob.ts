import { createHash } from 'node:crypto';

/** The object id git (and GitHub) gives these bytes as a blob, to compare content without fetching it. */
export function gitBlobSha(contents: Buffer): string {
  return createHash('sha1').update(`blob ${contents.length}\0`).update(contents).digest('hex');
}
