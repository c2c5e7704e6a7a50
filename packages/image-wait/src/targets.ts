import { UserError } from '@relkit/kit';
import { parseReference, withDefaultTag, type ImageReference } from '@relkit/oci';

export interface WaitTarget {
  /** The reference as reported in outputs and logs (with the default tag applied). */
  name: string;
  reference: ImageReference;
  /** Platforms that must all be present (`linux/arm64`); empty means any. */
  platforms: string[];
  /** The reference whose digest this image must equal (promotion from staging). */
  sameDigestAs: ImageReference | undefined;
}

const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;

export function parsePlatforms(values: string[]): string[] {
  for (const p of values) {
    if (!PLATFORM.test(p)) {
      throw new UserError(`Input \`platforms\`: "${p}" is not OS/ARCH[/VARIANT].`, 'List platforms like `linux/amd64,linux/arm64,linux/arm/v7`.', { input: 'platforms' });
    }
  }
  return [...new Set(values)];
}

/**
 * Builds the targets from `images`, the default `tag`, `platforms` and `same-digest-as`: with several
 * images, one value is a registry prefix to which each image's last path component is appended, and
 * several values are one reference per image in the order of `images`. Every reference is checked
 * here, before any request.
 */
export function buildTargets(input: { images: string[]; tag: string | undefined; platforms: string[]; sameDigestAs: string[] }): WaitTarget[] {
  if (input.images.length === 0) throw new UserError('Input `images` is empty.', 'List the images to wait for, one a line, e.g. `quay.io/metallb/speaker`.', { input: 'images' });
  if (input.tag !== undefined && !/^[\w][\w.-]{0,127}$/.test(input.tag)) {
    throw new UserError(`Input \`tag\` is "${input.tag}", which is not a valid image tag.`, 'Use letters, digits, `_`, `.` and `-` (at most 128), e.g. v0.14.9.', { input: 'tag' });
  }
  const references = input.images.map((image) => withDefaultTag(parseReference(image, 'images'), input.tag));
  for (const r of references) {
    if (!r.tag && !r.digest)
      throw new UserError(`Input \`images\`: "${r.original}" has no tag and \`tag\` is empty.`, 'Give each image a tag (`:v1.2.3`) or set `tag` for all of them.', { input: 'tag' });
  }
  const names = new Set<string>();
  for (const r of references) {
    if (names.has(r.original)) throw new UserError(`Input \`images\` lists "${r.original}" twice.`, 'List each image once.', { input: 'images' });
    names.add(r.original);
  }
  let sources: Array<ImageReference | undefined> = references.map(() => undefined);
  const [onlyPrefix, ...morePrefixes] = input.sameDigestAs;
  if (onlyPrefix !== undefined && morePrefixes.length === 0 && references.length > 1) {
    const prefix = onlyPrefix.replace(/\/+$/, '');
    sources = references.map((r) => {
      const name = r.repository.slice(r.repository.lastIndexOf('/') + 1);
      return parseReference(`${prefix}/${name}${r.tag ? `:${r.tag}` : r.digest ? `@${r.digest}` : ''}`, 'same-digest-as');
    });
  } else if (input.sameDigestAs.length > 0) {
    if (input.sameDigestAs.length !== references.length) {
      throw new UserError(
        `Input \`same-digest-as\` has ${input.sameDigestAs.length} references for ${references.length} images.`,
        'Give one registry prefix (e.g. `gcr.io/k8s-staging-x`) or one reference per image, in the order of `images`.',
        { input: 'same-digest-as' },
      );
    }
    sources = input.sameDigestAs.map((s, n) => withDefaultTag(parseReference(s, 'same-digest-as'), references[n]?.tag));
  }
  return references.map((reference, n) => ({ name: reference.original, reference, platforms: input.platforms, sameDigestAs: sources[n] }));
}
