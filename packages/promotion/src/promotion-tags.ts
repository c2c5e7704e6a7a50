import semver from 'semver';
import { UserError } from '@relkit/kit';

const OCI_TAG = /^[\w][\w.-]{0,127}$/;

/**
 * Promotion tags must look like releases (v1.30.0, v1.30.0-rc.0, 1.2.3): `kpromo --tag 1` is
 * accepted there and opens a pull request that promotes nothing useful.
 */
/** At least one tag: the first names the branch and the version. */
export type PromotionTags = [string, ...string[]];

export function parsePromotionTags(values: string[], input = 'tags'): PromotionTags {
  const [first, ...more] = values;
  if (first === undefined)
    throw new UserError(`Input \`${input}\` is empty.`, 'Give the release tag(s) to promote, e.g. `v1.30.0-rc.0` (a first RC may add the next alpha, `v1.31.0-alpha.0`).', { input });
  const seen = new Set<string>();
  for (const tag of values) {
    const version = tag.replace(/^v/, '');
    if (!semver.valid(version) || !/^v?\d+\.\d+\.\d+/.test(tag)) {
      const why = /^v?\d+(\.\d+)?$/.test(tag) ? 'it has no patch number (a version has three numbers)' : 'it is not a version';
      throw new UserError(`Input \`${input}\`: "${tag}" is not a release tag: ${why}.`, 'Use the full tag as it appears in the registry, e.g. `v1.30.0`, `v1.30.0-rc.0` or `v1.31.0-alpha.0`.', {
        input,
      });
    }
    if (!OCI_TAG.test(tag)) {
      throw new UserError(
        `Input \`${input}\`: "${tag}" cannot be an image tag: tags allow letters, digits, \`_\`, \`.\` and \`-\` only (no \`+\` build metadata).`,
        'Drop the build metadata, e.g. `v1.30.0` instead of `v1.30.0+abc`.',
        { input },
      );
    }
    if (seen.has(tag)) throw new UserError(`Input \`${input}\` lists "${tag}" twice.`, 'List each tag once.', { input });
    seen.add(tag);
  }
  return [first, ...more];
}
