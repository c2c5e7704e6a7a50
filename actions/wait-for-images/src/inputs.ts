import { UserError } from '@relkit/kit';
import type { ActionContext } from '@relkit/kit/action';
import { buildTargets, parsePlatforms, type WaitTarget } from '@relkit/image-wait';

export interface WaitInputs {
  targets: WaitTarget[];
  timeoutMs: number;
  intervalMs: number;
  maxIntervalMs: number;
  concurrency: number;
  registryAuth: string | undefined;
  dockerConfig: string | undefined;
}

/** Every input is read and checked here, before any registry is asked. */
export function readInputs(ctx: ActionContext): WaitInputs {
  const { inputs } = ctx;
  const timeoutMs = inputs.duration('timeout', { default: 30 * 60_000 });
  const intervalMs = inputs.duration('interval', { default: 10_000 });
  const maxIntervalMs = inputs.duration('max-interval', { default: 60_000 });
  if (maxIntervalMs < intervalMs) {
    throw new UserError(`Input \`max-interval\` (${maxIntervalMs / 1000}s) is shorter than \`interval\` (${intervalMs / 1000}s).`, 'Make `max-interval` at least as long as `interval`.', {
      input: 'max-interval',
    });
  }
  const concurrency = inputs.integer('concurrency', { default: 8, min: 1, max: 64 });
  const targets = buildTargets({
    images: inputs.list('images', { commas: true, required: true }),
    tag: inputs.string('tag'),
    platforms: parsePlatforms(inputs.list('platforms', { commas: true })),
    sameDigestAs: inputs.list('same-digest-as', { commas: true }),
  });

  return { targets, timeoutMs, intervalMs, maxIntervalMs, concurrency, registryAuth: inputs.raw('registry-auth'), dockerConfig: inputs.string('docker-config') };
}
