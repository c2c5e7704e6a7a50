import { UserError } from '@relkit/kit';
import { parseReference, type ImageReference } from '@relkit/oci';

/** An image to promote: its name in the promoter manifest and where its staging copy lives. */
export interface PromotedImage {
  name: string;
  /** The staging repository (no tag), or undefined when only `digests` can say the digest. */
  staging: ImageReference | undefined;
}

const NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

function hasRegistry(value: string): boolean {
  const first = value.split('/')[0] ?? '';
  return value.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
}

/**
 * Reads `images`: one a line, each a manifest name (`epp`, `charts/inferencepool`) staged under
 * `staging-registry`, a full staging reference (its name is what follows the staging registry, or
 * its last path component), or `NAME=REFERENCE` to say both.
 */
export function parseImages(lines: string[], stagingRegistry: string | undefined): PromotedImage[] {
  if (lines.length === 0)
    throw new UserError('Input `images` is empty.', 'List the images to promote, one a line, e.g. `epp` with `staging-registry: us-central1-docker.pkg.dev/k8s-staging-images/my-project`.', {
      input: 'images',
    });
  const prefix = stagingRegistry?.replace(/\/+$/, '');
  if (prefix !== undefined) parseReference(prefix, 'staging-registry');
  const images: PromotedImage[] = [];
  for (const line of lines) {
    const eq = line.indexOf('=');
    let name: string;
    let reference: string | undefined;
    if (eq >= 0) {
      name = line.slice(0, eq).trim();
      reference = line.slice(eq + 1).trim();
    } else if (hasRegistry(line)) {
      reference = line;
      name = prefix && line.startsWith(`${prefix}/`) ? line.slice(prefix.length + 1) : line.slice(line.lastIndexOf('/') + 1);
    } else {
      name = line;
      reference = prefix ? `${prefix}/${line}` : undefined;
    }
    const staging = reference === undefined ? undefined : parseReference(reference, 'images');
    if (reference !== undefined && staging && (staging.tag || staging.digest)) {
      throw new UserError(
        `Input \`images\`: "${line}" has a tag or digest; the tags to promote come from \`tags\`.`,
        `Write the repository only, e.g. \`${reference.replace(/(@.*|:[^/:]*)$/, '')}\`.`,
        { input: 'images' },
      );
    }
    if (!NAME.test(name)) {
      throw new UserError(
        `Input \`images\`: "${name}" is not an image name (lower-case path components such as \`epp\` or \`charts/inferencepool\`).`,
        'Write one image a line: a name, a full staging reference, or NAME=REFERENCE.',
        { input: 'images' },
      );
    }
    if (images.some((i) => i.name === name)) throw new UserError(`Input \`images\` lists "${name}" twice.`, 'List each image once.', { input: 'images' });
    images.push({ name, staging });
  }
  return images;
}
