import { describe, expect, it } from 'vitest';
import { expandPreset, parseSpec, planBump, writeFilesAtomically, type BumpRequest } from '@relkit/version-files';
import { WritePath } from '@relkit/kit';
import { copyBefore, differingFiles } from '../helpers/real-world.js';

async function bump(dir: string, request: Partial<BumpRequest> & Pick<BumpRequest, 'entries'>) {
  const plan = await planBump({ root: dir, current: { kind: 'files' }, tagPrefix: 'v', date: '2026-07-22', allowDowngrade: false, ...request });
  await writeFilesAtomically(dir, plan.files, new WritePath({ mock: false }));
  return plan;
}

describe('engine on real release commits', () => {
  it('kata preset', async () => {
    const dir = await copyBefore('kata-4.1.0');
    const plan = await bump(dir, { entries: await expandPreset(dir, 'kata'), bump: 'minor' });
    expect(plan.version.version).toBe('4.1.0');
    expect(await differingFiles('kata-4.1.0', dir)).toEqual([]);
  });
  it('metallb preset', async () => {
    const dir = await copyBefore('metallb-v0.16.1');
    const plan = await bump(dir, { entries: await expandPreset(dir, 'metallb'), version: 'v0.16.1' });
    expect(plan.previous?.version).toBe('0.16.0');
    expect(await differingFiles('metallb-v0.16.1', dir)).toEqual([]);
  });
  it('cargo-workspace preset', async () => {
    const dir = await copyBefore('kube-4.2.0');
    await bump(dir, { entries: await expandPreset(dir, 'cargo-workspace'), version: '4.2.0', tagPrefix: '' });
    expect(await differingFiles('kube-4.2.0', dir)).toEqual([]);
  });
  it('gateway api inference extension spec', async () => {
    const dir = await copyBefore('gaie-v1.6.0');
    const spec = [
      'config/crd/bases/*.yaml: metadata.annotations["inference.networking.k8s.io/bundle-version"]=v{version}',
      'conformance/go.mod: regex /^\\s*sigs\\.k8s\\.io\\/gateway-api-inference-extension (\\S+)$/m',
      'version/version.go: regex /BundleVersion = "(.*)"/=v{version}',
      'conformance/resources/base.yaml: image us-central1-docker.pkg.dev/k8s-staging-images/gateway-api-inference-extension/lwepp -> registry.k8s.io/gateway-api-inference-extension/lwepp, spec.template.spec.containers[name=epp].imagePullPolicy=IfNotPresent',
    ].join('\n');
    await bump(dir, { entries: parseSpec(spec), version: 'v1.6.0' });
    expect(await differingFiles('gaie-v1.6.0', dir)).toEqual([]);
  });
});
