import { runBounded, UserError } from '@relkit/kit';
import { formatReference, isRegistryError, type ImageReference, type RegistryClient } from '@relkit/oci';
import { givenDigest, type parseDigests } from './digests.js';
import type { PromotedImage } from './images.js';

export interface ResolvedDigest {
  image: string;
  tag: string;
  digest: string;
  /** Where the digest came from: the `digests` input or the staging reference that was read. */
  from: string;
}

const ATTEMPTS = 3;

async function resolveWithRetry(client: RegistryClient, staging: ImageReference, tag: string, sleep: (ms: number) => Promise<void>): Promise<string | { missing: string }> {
  const reference = { ...staging, tag, digest: undefined };
  for (let attempt = 1; ; attempt++) {
    try {
      const answer = await client.resolve(reference);
      return answer.kind === 'found' ? answer.digest : { missing: answer.detail };
    } catch (error) {
      const retryable = isRegistryError(error) && (error.failure === 'transient' || error.failure === 'rate-limited');
      if (!retryable || attempt >= ATTEMPTS) {
        throw new UserError(
          `Could not read ${formatReference(reference)} from the staging registry: ${(error as Error).message}`,
          isRegistryError(error) && error.failure === 'auth'
            ? 'Check `registry-auth` (or `docker-config`) for the staging registry.'
            : 'Re-run when the registry answers again, or pass the digests in `digests`.',
          { input: 'images' },
        );
      }
      await sleep(isRegistryError(error) && error.options.retryAfterMs !== undefined ? Math.min(error.options.retryAfterMs, 30_000) : 1000 * attempt);
    }
  }
}

/**
 * The digest of every image at every tag: from `digests` when given there, otherwise read from the
 * staging registry. Every missing image is reported at once, before anything is written.
 */
export async function resolveStagingDigests(options: {
  images: PromotedImage[];
  tags: string[];
  given: ReturnType<typeof parseDigests>;
  client: RegistryClient;
  concurrency?: number;
  sleep?: (ms: number) => Promise<void>;
}): Promise<ResolvedDigest[]> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const wanted = options.images.flatMap((image) => options.tags.map((tag) => ({ image, tag })));
  const missing: string[] = [];
  const results = await runBounded(
    wanted.map(({ image, tag }) => async (): Promise<ResolvedDigest | undefined> => {
      const given = givenDigest(options.given, image, tag);
      if (given) return { image: image.name, tag, digest: given, from: '`digests`' };
      if (!image.staging) {
        missing.push(`${image.name}:${tag} (no digest in \`digests\` and no staging reference to read it from)`);
        return undefined;
      }
      const answer = await resolveWithRetry(options.client, image.staging, tag, sleep);
      const where = formatReference({ ...image.staging, tag, digest: undefined });
      if (typeof answer === 'string') return { image: image.name, tag, digest: answer, from: where };
      missing.push(`${where} (${answer.missing})`);
      return undefined;
    }),
    options.concurrency ?? 8,
  );
  if (missing.length > 0) {
    throw new UserError(
      `${missing.length} image(s) to promote are not in the staging registry: ${missing.join('; ')}.`,
      'Push (or wait for) the staging images first — relkit/wait-for-images does that — or check `images`, `staging-registry` and `tags`.',
      { input: 'images' },
    );
  }
  return results.filter((r): r is ResolvedDigest => r !== undefined);
}
