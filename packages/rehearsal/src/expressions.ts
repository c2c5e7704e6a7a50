import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import { TokenType, type Token } from '@actions/expressions/lexer';

type FunctionDefinition = ConstructorParameters<typeof Evaluator>[2] extends Map<string, infer F> | undefined ? F : never;

/** What the status functions answer: for a job's `if`, about its needs; for a step's, about the earlier steps. */
export interface StatusScope {
  success: boolean;
  failure: boolean;
  cancelled: boolean;
}

export const ALL_GOOD: StatusScope = { success: true, failure: false, cancelled: false };

export class ExpressionFailure extends Error {
  constructor(expression: string, cause: unknown) {
    super(`cannot evaluate \${{ ${expression} }}: ${(cause as Error).message ?? String(cause)}`, { cause });
    this.name = 'ExpressionFailure';
  }
}

function toData(value: unknown): data.ExpressionData {
  return JSON.parse(JSON.stringify(value ?? null), data.reviver) as data.ExpressionData;
}

export function fromData(value: data.ExpressionData): unknown {
  return JSON.parse(JSON.stringify(value, data.replacer)) as unknown;
}

function statusFunctions(status: StatusScope): Map<string, FunctionDefinition> {
  const fn = (name: string, answer: () => boolean): [string, FunctionDefinition] => [name, { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(answer()) }];
  return new Map([
    fn('success', () => status.success && !status.cancelled),
    fn('failure', () => status.failure),
    fn('always', () => true),
    fn('cancelled', () => status.cancelled),
    [
      'hashfiles',
      {
        name: 'hashFiles',
        minArgs: 1,
        maxArgs: 255,
        call: () => {
          throw new Error('hashFiles() is not supported by the rehearsal runner');
        },
      },
    ],
  ]);
}

/**
 * The lexer of @actions/expressions (0.3.61) unescapes only the first `''` of a string literal, so
 * `format('''a'' ''b''', …)` (how the workflow parser writes a `run:` or `with:` holding quotes
 * around an expression) would keep the later quotes doubled; the runner unescapes them all.
 * https://docs.github.com/en/actions/reference/workflows-and-actions/expressions#literals
 */
function unescapeStrings(tokens: Token[]): Token[] {
  return tokens.map((token) => (token.type === TokenType.STRING ? { ...token, value: token.lexeme.slice(1, -1).replaceAll("''", "'") } : token));
}

/** Evaluates one expression (without `${{ }}`) with GitHub's own expression engine. */
export function evaluateExpression(expression: string, contexts: Record<string, unknown>, status: StatusScope = ALL_GOOD): unknown {
  try {
    const tokens = unescapeStrings(new Lexer(expression).lex().tokens);
    const functions = statusFunctions(status);
    const parsed = new Parser(
      tokens,
      Object.keys(contexts),
      [...functions.values()].map(({ name, minArgs, maxArgs }) => ({ name, minArgs, maxArgs })),
    ).parse();
    const context = new data.Dictionary();
    for (const [name, value] of Object.entries(contexts)) context.add(name, toData(value));
    return fromData(new Evaluator(parsed, context, functions).evaluate());
  } catch (error) {
    throw new ExpressionFailure(expression, error);
  }
}

/** The truthiness GitHub gives an `if:` result: false, 0, '', null are false. */
export function truthy(value: unknown): boolean {
  return !(value === false || value === 0 || value === '' || value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value)));
}

/** How a value reads when substituted into a string, as the runner writes it. */
export function asString(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  return JSON.stringify(value, null, 2);
}
