import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WritePath } from '@relkit/kit';
import { parseSpec, planBump, workspaceFiles, writeFilesAtomically } from '@relkit/version-files';

const semverArb = fc
  .record({
    major: fc.nat(40),
    minor: fc.nat(40),
    patch: fc.nat(40),
    pre: fc.option(fc.constantFrom('rc.1', 'alpha', 'beta.2', '0'), { nil: undefined }),
  })
  .map(({ major, minor, patch, pre }) => `${major}.${minor}.${patch}${pre ? `-${pre}` : ''}`);

// Filler text: anything but digits, so no filler can look like a version.
const fillerChar = fc.constantFrom(...Array.from('abcxyz XYZ-_/:,{}[]#&*!|>\'"\\\téハ🚀'));
const filler = fc.array(fillerChar, { maxLength: 30 }).map((chars) => chars.join(''));
const key = fc.stringMatching(/^[a-z][a-z_]{0,8}$/).filter((k) => k !== 'version');

const fileArb = fc.record({
  lines: fc.uniqueArray(fc.tuple(key, filler, fc.boolean()), { selector: ([k]) => k, maxLength: 12 }),
  position: fc.nat(12),
  quote: fc.constantFrom('plain', 'double', 'single'),
  crlf: fc.boolean(),
  comment: filler,
});

type FileShape = typeof fileArb extends fc.Arbitrary<infer T> ? T : never;

function yamlFile(shape: FileShape, version: string): string {
  const value = shape.quote === 'plain' ? version : shape.quote === 'double' ? `"${version}"` : `'${version}'`;
  const lines = shape.lines.map(([k, v, comment]) => (comment ? `# ${v.replace(/[\r\n]/g, '')}` : `${k}: ${JSON.stringify(v)}`));
  lines.splice(Math.min(shape.position, lines.length), 0, `version: ${value} # ${shape.comment.replace(/[\r\n]/g, '')}`);
  return lines.join(shape.crlf ? '\r\n' : '\n') + (shape.crlf ? '\r\n' : '\n');
}

function tomlFile(shape: FileShape, version: string): string {
  const lines = ['[package]', ...shape.lines.map(([k, v, comment]) => (comment ? `# ${v}` : `${k} = ${JSON.stringify(v)}`))];
  lines.splice(1 + Math.min(shape.position, lines.length - 1), 0, shape.quote === 'single' ? `version = '${version}'` : `version = "${version}"`);
  return lines.join(shape.crlf ? '\r\n' : '\n') + '\n';
}

function jsonFile(shape: FileShape, version: string): string {
  const eol = shape.crlf ? '\r\n' : '\n';
  const entries = shape.lines.map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  entries.splice(Math.min(shape.position, entries.length), 0, `  "version": "${version}"`);
  return `{${eol}${entries.join(`,${eol}`)}${eol}}${eol}`;
}

function textFile(shape: FileShape, version: string): string {
  const lines = shape.lines.map(([k, v]) => `${k} ${v}`);
  lines.splice(Math.min(shape.position, lines.length), 0, `const Version = "${version}" // ${shape.comment}`);
  return lines.join(shape.crlf ? '\r\n' : '\n');
}

describe('property: a bump changes the version tokens and nothing else', () => {
  it('holds for random versions and random YAML, TOML, JSON and Go files', async () => {
    const spec = parseSpec('a.yaml: version\nb.toml: package.version\nc.json: version\nd.go: regex /Version = "([^"]*)"/');
    await fc.assert(
      fc.asyncProperty(semverArb, semverArb, fileArb, fileArb, fileArb, fileArb, async (from, to, y, t, j, g) => {
        fc.pre(from !== to);
        const dir = await mkdtemp(join(tmpdir(), 'relkit-prop-'));
        try {
          const before = { 'a.yaml': yamlFile(y, from), 'b.toml': tomlFile(t, from), 'c.json': jsonFile(j, from), 'd.go': textFile(g, from) };
          for (const [path, content] of Object.entries(before)) await writeFile(join(dir, path), content);
          const plan = await planBump({ source: workspaceFiles(dir), entries: spec, version: to, current: { kind: 'none' }, tagPrefix: 'v', date: '2026-01-01', allowDowngrade: true });
          expect(plan.files.map((f) => f.path).sort()).toEqual(Object.keys(before));
          await writeFilesAtomically(dir, plan.files, new WritePath({ mock: false }));
          for (const [path, content] of Object.entries(before)) {
            expect(await readFile(join(dir, path))).toEqual(Buffer.from(content.split(from).join(to)));
          }
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 150 },
    );
  });
});
