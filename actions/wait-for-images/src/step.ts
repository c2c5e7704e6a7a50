import { UserError } from '@relkit/kit';
import type { ActionContext } from '@relkit/kit/action';
import { waitForImages, type WaitReport } from '@relkit/image-wait';
import { collectCredentials, formatReference, RegistryClient } from '@relkit/oci';
import { readInputs } from './inputs.js';

function summarize(ctx: ActionContext, report: WaitReport): void {
  ctx.summary.heading(`Images${ctx.writes.mock ? ' (mock: one look, no waiting)' : ''}: ${report.images.filter((i) => i.status === 'ready').length} of ${report.images.length} ready`, 2);
  ctx.summary.table(
    ['Image', 'Tag', 'Digest', 'Platforms', 'Waited', 'Polls'],
    report.images.map((i) => [
      `\`${formatReference({ ...i.target.reference, tag: undefined, digest: undefined })}\``,
      i.target.reference.tag ?? '',
      i.digest ? `\`${i.digest}\`` : '—',
      i.platforms?.join(', ') ?? '',
      i.status === 'ready' ? `${Math.round((i.readyAfterMs ?? 0) / 1000)}s` : `not ready: ${i.answer}`,
      String(i.polls),
    ]),
  );
  ctx.summary.paragraph(`Registry requests: ${report.requests}. Waited ${Math.round(report.waitedMs / 1000)}s.`);
}

export async function mainStep(ctx: ActionContext): Promise<void> {
  const { targets, timeoutMs, intervalMs, maxIntervalMs, concurrency, registryAuth, dockerConfig } = readInputs(ctx);
  const { store: credentials, configPath, fromConfig } = await collectCredentials({ registryAuth, dockerConfig, env: ctx.env });
  for (const secret of credentials.secrets()) ctx.mask(secret);
  if (configPath) ctx.log(`Using ${fromConfig} credential(s) from ${configPath}.`);

  const client = new RegistryClient({ credentials, userAgent: 'relkit/wait-for-images' });
  ctx.log(
    `Waiting for ${targets.length} image(s)${targets[0]?.platforms.length ? ` on ${targets[0].platforms.join(', ')}` : ''}, up to ${Math.round(timeoutMs / 1000)}s, polling every ${intervalMs / 1000}s to ${maxIntervalMs / 1000}s.`,
  );
  const report = await waitForImages({ client, targets, timeoutMs, intervalMs, maxIntervalMs, concurrency, once: ctx.writes.mock, log: ctx.log });

  const found = report.images.filter((i) => i.digest !== undefined && i.status === 'ready');
  ctx.setOutput('ready', report.ready);
  ctx.setOutput('digests', Object.fromEntries(found.map((i) => [i.target.name, i.digest])));
  ctx.setOutput('platforms', Object.fromEntries(found.filter((i) => i.platforms).map((i) => [i.target.name, i.platforms])));
  ctx.setOutput('waited', Math.round(report.waitedMs / 100) / 10);
  summarize(ctx, report);

  const missing = report.images.filter((i) => i.status !== 'ready');
  if (missing.length === 0) return;
  if (ctx.writes.mock) {
    ctx.warn(`Not ready yet (mock mode does not wait): ${missing.map((i) => `${i.target.name} (${i.answer})`).join('; ')}`);
    return;
  }
  throw new UserError(
    `Timed out after ${Math.round(report.waitedMs / 1000)}s waiting for ${missing.length} of ${report.images.length} image(s):\n${missing.map((i) => `  - ${i.target.name}: ${i.answer}`).join('\n')}`,
    'Check that the image build pushed these tags (and every platform), or raise `timeout`.',
  );
}
