import { describe, expect, it } from 'vitest';
import { Inputs, parseDuration, formatDuration, SummaryBuilder, UserError, WritePath, writePlanSection, explainGitHubError } from '@relkit/kit';

const inputs = (values: Record<string, string>) => new Inputs((name) => values[name]);

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError');
}

describe('input parsers', () => {
  it('read strings, trimming, with required and default', () => {
    expect(inputs({ a: '  x  ' }).string('a')).toBe('x');
    expect(inputs({ a: '' }).string('a', { default: 'd' })).toBe('d');
    const error = userError(() => inputs({}).string('branch', { required: true }));
    expect(error.message).toBe('Input `branch` is required but was not given.');
    expect(error.fix).toBe('Set `branch` to a non-empty string.');
    expect(error.input).toBe('branch');
  });

  it('accept exactly the YAML 1.2 core booleans', () => {
    for (const t of ['true', 'True', 'TRUE']) expect(inputs({ b: t }).boolean('b')).toBe(true);
    for (const f of ['false', 'False', 'FALSE']) expect(inputs({ b: f }).boolean('b')).toBe(false);
    const error = userError(() => inputs({ mock: 'yes' }).boolean('mock'));
    expect(error.message).toBe('Input `mock` has the value "yes", which is not valid.');
    expect(error.fix).toMatch(/`true` or `false`/);
  });

  it('bound integers and name the range', () => {
    expect(inputs({ n: '8' }).integer('n', { min: 1, max: 64 })).toBe(8);
    expect(userError(() => inputs({ n: '0' }).integer('n', { min: 1, max: 64 })).fix).toBe('Set `n` to a whole number from 1 to 64.');
    expect(() => inputs({ n: '1.5' }).integer('n')).toThrow(UserError);
  });

  it('parse durations', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('45')).toBe(45_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('10 minutes')).toBeUndefined();
    expect(inputs({ timeout: '30m' }).duration('timeout')).toBe(1_800_000);
    expect(userError(() => inputs({ timeout: 'soon' }).duration('timeout')).fix).toMatch(/`90s`, `10m`, `1h`/);
    expect(formatDuration(90_000)).toBe('1m30s');
  });

  it('split lists and key=value maps, skipping blanks and comments', () => {
    expect(inputs({ l: 'a\n\n# c\n b \n' }).list('l')).toEqual(['a', 'b']);
    expect(inputs({ l: 'a, b\nc' }).list('l', { commas: true })).toEqual(['a', 'b', 'c']);
    expect(inputs({ m: 'quay.io=u:p=w,x\nghcr.io = x' }).map('m')).toEqual({ 'quay.io': 'u:p=w,x', 'ghcr.io': 'x' });
    expect(userError(() => inputs({ m: 'novalue' }).map('m')).message).toContain('"novalue"');
  });

  it('parse JSON and choices', () => {
    expect(inputs({ j: '{"a":1}' }).json('j')).toEqual({ a: 1 });
    expect(() => inputs({ j: '{' }).json('j')).toThrow(/Input `j`/);
    expect(inputs({ m: 'ruleset' }).oneOf('m', ['ruleset', 'protection'] as const)).toBe('ruleset');
    expect(userError(() => inputs({ m: 'x' }).oneOf('m', ['ruleset', 'protection'] as const)).fix).toBe('Set `m` to one of `ruleset`, `protection`.');
  });
});

describe('write path', () => {
  it('performs writes and records them', async () => {
    const log: string[] = [];
    const writes = new WritePath({ mock: false, log: (l) => log.push(l) });
    const result = await writes.perform({ method: 'POST', target: '/repos/a/b/rulesets', summary: 'create ruleset' }, async () => 42);
    expect(result).toBe(42);
    expect(writes.writes).toEqual([{ method: 'POST', target: '/repos/a/b/rulesets', summary: 'create ruleset', status: 'done' }]);
    expect(log).toEqual(['POST /repos/a/b/rulesets: create ruleset']);
  });

  it('in mock mode never calls the write, returns the planned stand-in, and lists the plan', async () => {
    const writes = new WritePath({ mock: true });
    let called = false;
    const result = await writes.perform(
      { method: 'DELETE', target: 'x', summary: 'delete x' },
      async () => {
        called = true;
        return 1;
      },
      () => 0,
    );
    expect(called).toBe(false);
    expect(result).toBe(0);
    const markdown = writePlanSection(writes.writes, true).toMarkdown();
    expect(markdown).toContain('Planned writes (mock mode: nothing was sent)');
    expect(markdown).toContain('| 1 | DELETE | `x` | delete x | planned (mock) |');
  });

  it('records a failed write and rethrows', async () => {
    const writes = new WritePath({ mock: false });
    await expect(
      writes.perform({ method: 'PUT', target: 't', summary: 's' }, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(writes.writes[0]).toMatchObject({ status: 'failed', error: 'boom' });
  });
});

describe('summaries and GitHub errors', () => {
  it('escape table cells and build details blocks', () => {
    const md = new SummaryBuilder()
      .heading('Lock')
      .table(['a', 'b'], [['x|y', 'line\nbreak']])
      .details('More <info>', 'body')
      .toMarkdown();
    expect(md).toBe('## Lock\n\n| a | b |\n| --- | --- |\n| x\\|y | line<br>break |\n\n<details><summary>More &lt;info&gt;</summary>\n\nbody\n\n</details>\n');
  });

  it('turn 401/403/404 into user errors with a fix, and leave others alone', () => {
    const e403 = explainGitHubError({ status: 403, message: 'x', response: { data: { message: 'Resource not accessible by integration' } } }, 'create a ruleset on a/b', 'Administration: write');
    expect(e403).toBeInstanceOf(UserError);
    expect((e403 as UserError).message).toBe('The token may not create a ruleset on a/b (403 Resource not accessible by integration).');
    expect((e403 as UserError).fix).toMatch(/Administration: write/);
    const e500 = { status: 500, message: 'x' };
    expect(explainGitHubError(e500, 'anything')).toBe(e500);
  });
});
