import { UserError } from '@relkit/kit';
import { parseReference } from '@relkit/oci';
import type { PromotedImage } from './images.js';

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** A digest given for an image: for one tag, or (`tag` undefined) for every tag. */
interface GivenDigest {
  key: string;
  repository: string | undefined;
  name: string;
  tag: string | undefined;
  digest: string;
}

/**
 * Reads `digests`: the JSON map wait-for-images writes (reference → digest), or NAME → digest.
 * Every value must be `sha256:` and 64 lower-case hex digits.
 */
export function parseDigests(text: string | undefined): GivenDigest[] {
  if (text === undefined || text.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UserError(`Input \`digests\` is not JSON: ${(error as Error).message}.`, 'Pass the `digests` output of relkit/wait-for-images, or a JSON object of image → "sha256:…".', {
      input: 'digests',
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UserError('Input `digests` is not a JSON object.', 'Pass a JSON object of image reference (or name) → "sha256:…", as relkit/wait-for-images outputs.', { input: 'digests' });
  }
  return Object.entries(parsed as Record<string, unknown>).map(([key, digest]) => {
    if (typeof digest !== 'string' || !DIGEST.test(digest)) {
      throw new UserError(
        `Input \`digests\`: the digest of "${key}" is ${JSON.stringify(digest)}, not sha256: and 64 hex digits.`,
        'Use the digest exactly as the registry reports it, e.g. sha256:4ef9a87da4dbbce94f27cb3efb1a5f50676ddd50d73f596d6e03fe352f8c658a.',
        { input: 'digests' },
      );
    }
    if (!key.includes('/') && !key.includes(':')) return { key, repository: undefined, name: key, tag: undefined, digest };
    const reference = parseReference(key, 'digests');
    return { key, repository: `${reference.registry}/${reference.repository}`, name: reference.repository.slice(reference.repository.lastIndexOf('/') + 1), tag: reference.tag, digest };
  });
}

/** The digest given for `image` at `tag`: an exact staging reference wins over a name-only key. */
export function givenDigest(given: GivenDigest[], image: PromotedImage, tag: string): string | undefined {
  const repository = image.staging ? `${image.staging.registry}/${image.staging.repository}` : undefined;
  const byReference = given.filter((g) => g.repository !== undefined && g.repository === repository && (g.tag === tag || g.tag === undefined));
  const exact = byReference.find((g) => g.tag === tag) ?? byReference[0];
  if (exact) return exact.digest;
  const lastComponent = image.name.split('/').at(-1);
  const byName = given.filter((g) => (g.repository === undefined ? g.name === image.name : g.name === lastComponent) && (g.tag === tag || g.tag === undefined));
  return (byName.find((g) => g.tag === tag) ?? byName[0])?.digest;
}
