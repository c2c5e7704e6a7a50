import { describe, expect, it } from 'vitest';
import { manifestPromotions, promoteInManifest, parseImages, parsePromotionTags, parseDigests, givenDigest } from '@relkit/promotion';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const edit = (text: string, promotions: Parameters<typeof promoteInManifest>[1]) => promoteInManifest({ path: 'images.yaml', bom: false, text }, promotions).text;

describe('promoteInManifest keeps the file as it is written', () => {
  it('follows single quotes, four-space indentation and an indented list', () => {
    const text = `# promoted images\n  -   name: 'app'\n      dmap:\n          '${D('1')}': [ 'v1.0.0' ]\n`;
    expect(
      edit(text, [
        { name: 'app', digest: D('2'), tags: ['v1.1.0'] },
        { name: 'new', digest: D('3'), tags: ['v1.1.0'] },
      ]),
    ).toBe(`${text}          '${D('2')}': [ 'v1.1.0' ]\n  -   name: 'new'\n      dmap:\n          '${D('3')}': [ 'v1.1.0' ]\n`);
  });

  it('keeps CRLF line endings and a missing final newline', () => {
    const text = `- name: app\r\n  dmap:\r\n    "${D('1')}": ["v1"]`;
    expect(edit(text, [{ name: 'app', digest: D('2'), tags: ['v2.0.0'] }])).toBe(`${text}\r\n    "${D('2')}": ["v2.0.0"]\r\n`);
  });

  it('appends a tag inside an existing list, after the last one', () => {
    const text = `- name: app\n  dmap:\n    "${D('1')}": ["v1.0.0-rc.1", "v1.0.0"] # final\n    "${D('2')}": ["v1.1.0"]\n`;
    expect(edit(text, [{ name: 'app', digest: D('1'), tags: ['v1.0.1'] }])).toBe(text.replace('"v1.0.0"] # final', '"v1.0.0", "v1.0.1"] # final'));
  });

  it('fills an empty dmap, a flow `{}` and a block list of tags', () => {
    const empty = `- name: a\n  dmap:\n- name: b\n  dmap: {}\n- name: c\n  dmap:\n    ${D('1')}:\n    - v1\n`;
    const result = edit(empty, [
      { name: 'a', digest: D('2'), tags: ['v2.0.0'] },
      { name: 'b', digest: D('3'), tags: ['v2.0.0'] },
      { name: 'c', digest: D('1'), tags: ['v2.0.0'] },
    ]);
    expect(result).toBe(`- name: a\n  dmap:\n    ${D('2')}: ["v2.0.0"]\n- name: b\n  dmap: {${D('3')}: ["v2.0.0"]}\n- name: c\n  dmap:\n    ${D('1')}:\n    - v1\n    - v2.0.0\n`);
    expect(manifestPromotions({ path: 'x', bom: false, text: result }).get('c')?.get(D('1'))).toEqual(['v1', 'v2.0.0']);
  });

  it('starts an empty manifest', () => {
    expect(edit('', [{ name: 'app', digest: D('1'), tags: ['v1.0.0'] }])).toBe(`- name: app\n  dmap:\n    "${D('1')}": ["v1.0.0"]\n`);
    expect(edit('[]\n', [{ name: 'app', digest: D('1'), tags: ['v1.0.0'] }])).toBe(`- name: app\n  dmap:\n    "${D('1')}": ["v1.0.0"]\n`);
  });

  it('keeps comments after the last entry where they are', () => {
    const text = `- name: app\n  dmap:\n    "${D('1')}": ["v1"]\n# end of file\n`;
    expect(edit(text, [{ name: 'app', digest: D('2'), tags: ['v2.0.0'] }])).toBe(`- name: app\n  dmap:\n    "${D('1')}": ["v1"]\n    "${D('2')}": ["v2.0.0"]\n# end of file\n`);
  });

  it('reports tags already promoted with the same digest and changes nothing for them', () => {
    const text = `- name: app\n  dmap:\n    "${D('1')}": ["v1.0.0"]\n`;
    const result = promoteInManifest({ path: 'images.yaml', bom: false, text }, [{ name: 'app', digest: D('1'), tags: ['v1.0.0'] }]);
    expect(result).toEqual({ text, changes: [], present: [{ image: 'app', tag: 'v1.0.0' }] });
  });

  it('refuses a file that is not a promoter manifest, with its line', () => {
    expect(() => edit('images:\n  - a\n', [{ name: 'a', digest: D('1'), tags: ['v1.0.0'] }])).toThrow(/images\.yaml:1:1: not an image-promoter manifest: the document is not a list/);
    expect(() => edit('- name: a\n  dmap: [x]\n', [{ name: 'a', digest: D('1'), tags: ['v1.0.0'] }])).toThrow(/images\.yaml:1:9: .*`dmap` of a is not a map/);
  });
});

describe('promotion inputs', () => {
  it('accepts release tags and refuses the rest with the reason', () => {
    expect(parsePromotionTags(['v1.30.0-rc.0', 'v1.31.0-alpha.0', '2.0.0'])).toEqual(['v1.30.0-rc.0', 'v1.31.0-alpha.0', '2.0.0']);
    expect(() => parsePromotionTags(['1'])).toThrow(/"1" is not a release tag: it has no patch number/);
    expect(() => parsePromotionTags(['v1.29'])).toThrow(/no patch number/);
    expect(() => parsePromotionTags(['latest'])).toThrow(/"latest" is not a release tag: it is not a version/);
    expect(() => parsePromotionTags(['v1.0.0', 'v1.0.0'])).toThrow(/twice/);
    expect(() => parsePromotionTags([])).toThrow(/`tags` is empty/);
  });

  it('names images from a staging prefix, full references and NAME=REFERENCE', () => {
    const images = parseImages(['epp', 'gcr.io/k8s-staging-x/charts/pool', 'other.io/y/bbr', 'syncer=quay.io/z/lora-syncer'], 'gcr.io/k8s-staging-x');
    expect(images.map((i) => [i.name, i.staging && `${i.staging.domain}/${i.staging.repository}`])).toEqual([
      ['epp', 'gcr.io/k8s-staging-x/epp'],
      ['charts/pool', 'gcr.io/k8s-staging-x/charts/pool'],
      ['bbr', 'other.io/y/bbr'],
      ['syncer', 'quay.io/z/lora-syncer'],
    ]);
    expect(parseImages(['epp'], undefined)[0]!.staging).toBeUndefined();
    expect(() => parseImages(['Epp'], undefined)).toThrow(/not an image name/);
    expect(() => parseImages(['epp', 'epp'], 'gcr.io/x')).toThrow(/twice/);
  });

  it('matches digests by staging reference and tag before names', () => {
    const given = parseDigests(JSON.stringify({ 'gcr.io/s/epp:v1.0.0': D('1'), 'gcr.io/s/epp:v1.1.0-alpha.0': D('2'), bbr: D('3') }));
    const [epp, bbr] = parseImages(['epp', 'bbr'], 'gcr.io/s');
    expect(givenDigest(given, epp!, 'v1.0.0')).toBe(D('1'));
    expect(givenDigest(given, epp!, 'v1.1.0-alpha.0')).toBe(D('2'));
    expect(givenDigest(given, epp!, 'v9.0.0')).toBeUndefined();
    expect(givenDigest(given, bbr!, 'v1.0.0')).toBe(D('3'));
    expect(() => parseDigests('{"epp":"SHA256:X"}')).toThrow(/not sha256: and 64 hex digits/);
  });
});
