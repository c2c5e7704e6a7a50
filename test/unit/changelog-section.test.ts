import { describe, expect, it } from 'vitest';
import { placeSection } from '@relkit/relnotes';

const KUBE_RS = [
  '<!-- next-header -->',
  'UNRELEASED',
  '===================',
  ' * see https://github.com/kube-rs/kube/compare/0.99.0...main',
  '',
  '[0.99.0](https://github.com/kube-rs/kube/releases/tag/0.99.0) / 2026-09-01',
  '===================',
  ' * older notes',
  '',
].join('\n');
const SECTION = '## [0.100.0] - 2026-11-21\n\n### Added\n\n- A thing\n';

describe('placeSection', () => {
  it('puts a new section below the Unreleased section of a setext-style changelog (kube-rs), above the newest release', () => {
    const placed = placeSection(KUBE_RS, SECTION, '0.100.0');
    expect(placed).toBe(
      [
        '<!-- next-header -->',
        'UNRELEASED',
        '===================',
        ' * see https://github.com/kube-rs/kube/compare/0.99.0...main',
        '',
        '## [0.100.0] - 2026-11-21',
        '',
        '### Added',
        '',
        '- A thing',
        '',
        '[0.99.0](https://github.com/kube-rs/kube/releases/tag/0.99.0) / 2026-09-01',
        '===================',
        ' * older notes',
        '',
      ].join('\n'),
    );
    expect(placeSection(placed, SECTION, '0.100.0')).toBe(placed);
  });

  it('replaces the section of the same version in a setext changelog, whatever its heading style', () => {
    const released = KUBE_RS.replace('[0.99.0]', '[0.100.0]').replace('0.99.0)', '0.100.0)');
    const placed = placeSection(released, SECTION, '0.100.0');
    expect(placed).toContain('UNRELEASED\n===================\n * see https://github.com/kube-rs/kube/compare/0.99.0...main\n\n## [0.100.0] - 2026-11-21\n\n### Added\n\n- A thing');
    expect(placed).not.toContain('older notes');
  });

  it('still reads ATX headings and keeps a table rule or list item from passing as a heading', () => {
    const atx = '# Changelog\n\n## [Unreleased]\n\n- next\n\n## [1.0.0] - 2026-01-01\n\n| a |\n|---|\n- item\n---\n';
    const placed = placeSection(atx, '## [1.1.0] - 2026-02-01\n\n- new\n', '1.1.0');
    expect(placed).toBe('# Changelog\n\n## [Unreleased]\n\n- next\n\n## [1.1.0] - 2026-02-01\n\n- new\n\n## [1.0.0] - 2026-01-01\n\n| a |\n|---|\n- item\n---\n');
  });
});
