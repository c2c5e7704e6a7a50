import { UserError } from './errors.js';
import { parseDuration } from './duration.js';

/** Reads the raw value of an input; undefined or '' means "not given". */
export type InputSource = (name: string) => string | undefined;

interface Options<T> {
  required?: boolean;
  default?: T;
}

const TRUE_WORDS = ['true', 'True', 'TRUE'];
const FALSE_WORDS = ['false', 'False', 'FALSE'];

/**
 * Typed access to action inputs. Every parser names the input and the accepted forms when it
 * fails, so validation errors read the same in every action and the CLI.
 */
export class Inputs {
  constructor(private readonly source: InputSource) {}

  raw(name: string): string | undefined {
    const value = this.source(name);
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }

  private missing(name: string, forms: string): UserError {
    return new UserError(`Input \`${name}\` is required but was not given.`, `Set \`${name}\` to ${forms}.`, { input: name });
  }

  private invalid(name: string, value: string, forms: string): UserError {
    return new UserError(`Input \`${name}\` has the value ${JSON.stringify(value)}, which is not valid.`, `Set \`${name}\` to ${forms}.`, {
      input: name,
    });
  }

  private read<T>(name: string, options: Options<T>, forms: string, parse: (value: string) => T | undefined): T | undefined {
    const value = this.raw(name);
    if (value === undefined) {
      if (options.required && options.default === undefined) throw this.missing(name, forms);
      return options.default;
    }
    const parsed = parse(value);
    if (parsed === undefined) throw this.invalid(name, value, forms);
    return parsed;
  }

  string(name: string, options: Options<string> & { required: true }): string;
  string(name: string, options: Options<string> & { default: string }): string;
  string(name: string, options?: Options<string>): string | undefined;
  string(name: string, options: Options<string> = {}): string | undefined {
    return this.read(name, options, 'a non-empty string', (v) => v);
  }

  /** YAML 1.2 core schema booleans, as the runner's own `core.getBooleanInput` accepts. */
  boolean(name: string, options: Options<boolean> & { default: boolean }): boolean;
  boolean(name: string, options?: Options<boolean>): boolean | undefined;
  boolean(name: string, options: Options<boolean> = {}): boolean | undefined {
    return this.read(name, options, '`true` or `false` (YAML 1.2 core: true | True | TRUE | false | False | FALSE)', (v) => {
      if (TRUE_WORDS.includes(v)) return true;
      if (FALSE_WORDS.includes(v)) return false;
      return undefined;
    });
  }

  integer(name: string, options: Options<number> & { default: number; min?: number; max?: number }): number;
  integer(name: string, options?: Options<number> & { min?: number; max?: number }): number | undefined;
  integer(name: string, options: Options<number> & { min?: number; max?: number } = {}): number | undefined {
    const { min, max } = options;
    const range = min !== undefined && max !== undefined ? ` from ${min} to ${max}` : min !== undefined ? ` of at least ${min}` : max !== undefined ? ` of at most ${max}` : '';
    return this.read(name, options, `a whole number${range}`, (v) => {
      if (!/^-?\d+$/.test(v)) return undefined;
      const n = Number(v);
      if (!Number.isSafeInteger(n) || (min !== undefined && n < min) || (max !== undefined && n > max)) return undefined;
      return n;
    });
  }

  /** A duration in milliseconds. */
  duration(name: string, options: Options<number> & { default: number }): number;
  duration(name: string, options?: Options<number>): number | undefined;
  duration(name: string, options: Options<number> = {}): number | undefined {
    return this.read(name, options, 'a duration such as `90s`, `10m`, `1h` or `1h30m` (a bare number means seconds)', parseDuration);
  }

  oneOf<const C extends string>(name: string, choices: readonly C[], options: Options<C> & { default: C }): C;
  oneOf<const C extends string>(name: string, choices: readonly C[], options?: Options<C>): C | undefined;
  oneOf<const C extends string>(name: string, choices: readonly C[], options: Options<C> = {}): C | undefined {
    return this.read(name, options, `one of ${choices.map((c) => `\`${c}\``).join(', ')}`, (v) => ((choices as readonly string[]).includes(v) ? (v as C) : undefined));
  }

  /** One item a line (commas also separate when `commas` is set); blank lines and `#` comments are skipped. */
  list(name: string, options: Options<string[]> & { commas?: boolean } = {}): string[] {
    return (
      this.read(name, options, 'one item a line', (v) => {
        const items = v
          .split(/\r?\n/)
          .flatMap((line) => (options.commas ? line.split(',') : [line]))
          .map((item) => item.trim())
          .filter((item) => item !== '' && !item.startsWith('#'));
        return items;
      }) ?? []
    );
  }

  /** `key=value` pairs, one a line; values may contain `=` and `,` (they are often credentials). */
  map(name: string, options: Options<Record<string, string>> = {}): Record<string, string> {
    const forms = '`key=value` pairs, one a line';
    return (
      this.read(name, options, forms, (v) => {
        const result: Record<string, string> = {};
        for (const line of v.split(/\r?\n/)) {
          const item = line.trim();
          if (item === '' || item.startsWith('#')) continue;
          const eq = item.indexOf('=');
          if (eq <= 0) throw this.invalid(name, item, forms);
          result[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
        }
        return result;
      }) ?? {}
    );
  }

  json<T = unknown>(name: string, options: Options<T> = {}): T | undefined {
    return this.read(name, options, 'valid JSON', (v) => {
      try {
        return JSON.parse(v) as T;
      } catch {
        return undefined;
      }
    });
  }

  /**
   * OWNER/NAME from the `repository` input, else GITHUB_REPOSITORY; undefined when neither is set and
   * it is not required.
   */
  repository(env: NodeJS.ProcessEnv, options?: { required: true }): { owner: string; repo: string };
  repository(env: NodeJS.ProcessEnv, options: { required?: boolean }): { owner: string; repo: string } | undefined;
  repository(env: NodeJS.ProcessEnv, options: { required?: boolean } = { required: true }): { owner: string; repo: string } | undefined {
    const value = this.string('repository') ?? env.GITHUB_REPOSITORY;
    if (value === undefined && !options.required) return undefined;
    if (!value || !/^[^/\s]+\/[^/\s]+$/.test(value)) {
      throw new UserError(
        `Input \`repository\` is ${value ? `"${value}", not OWNER/NAME` : 'empty and GITHUB_REPOSITORY is not set'}.`,
        'Set `repository` to OWNER/NAME, e.g. `kata-containers/kata-containers`.',
        { input: 'repository' },
      );
    }
    const [owner, repo] = value.split('/') as [string, string];
    return { owner, repo };
  }
}
