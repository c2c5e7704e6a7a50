import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { inputEnvName, parseFileCommands, runActionBundle } from '@relkit/runner';

const probe = fileURLToPath(new URL('../fixtures/actions/probe/action.yml', import.meta.url));

describe('running an action the way the runner does', () => {
  it('passes defaults and inputs as INPUT_*, and reads outputs, state, summary and annotations back', async () => {
    const result = await runActionBundle({ action: probe, inputs: { 'multi line': 'a\nb' } });
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toMatchObject({ echo: 'hello', multi: 'a|b', json: '{"a":[1,2]}' });
    expect(Number(result.outputs.node?.split('.')[0])).toBeGreaterThanOrEqual(24);
    expect(result.state).toEqual({ saved: 'from-main' });
    expect(result.summary).toBe('<h1>Probe ran</h1>\nline with\nnewline\n');
    expect(result.annotations).toEqual([{ level: 'warning', message: 'careful', properties: { title: 'Probe', file: 'a.txt', line: '3' } }]);
    expect(result.masks).toEqual(['s3cret']);
    // An expression default is never handed over as its text.
    expect(result.outputs.token).toBe('');
    expect((await runActionBundle({ action: probe, inputs: { token: 'ghs_given' } })).outputs.token).toBe('ghs_given');
  });

  it('reports failure through the exit code and an error annotation', async () => {
    const result = await runActionBundle({ action: probe, inputs: { fail: 'true', greeting: 'bye' } });
    expect(result.failed).toBe(true);
    expect(result.exitCode).toBe(1);
    expect(result.outputs.echo).toBe('bye');
    expect(result.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual(['asked to fail']);
  });

  it('runs the post step with the state the main step saved', async () => {
    const main = await runActionBundle({ action: probe });
    const post = await runActionBundle({ action: probe, step: 'post', state: main.state });
    expect(post.outputs['post-saw']).toBe('from-main');
  });

  it('names inputs as the runner does and parses both file-command forms', () => {
    expect(inputEnvName('multi line')).toBe('INPUT_MULTI_LINE');
    expect(inputEnvName('unlock-on-exit')).toBe('INPUT_UNLOCK-ON-EXIT');
    expect(parseFileCommands('a=1\nb<<EOF\nx\ny\nEOF\n')).toEqual({ a: '1', b: 'x\ny' });
    expect(() => parseFileCommands('b<<EOF\nx\n')).toThrow(/Matching delimiter not found/);
  });
});
