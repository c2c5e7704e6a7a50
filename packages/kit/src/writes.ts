export interface WriteDescription {
  /** HTTP-like verb or a short word: `POST`, `PUT`, `DELETE`, `PUSH`, `WRITE`. */
  method: string;
  /** What is written: an API path, a ref, a file, an image reference. */
  target: string;
  /** One human sentence: "create ruleset relkit-lock/main". */
  summary: string;
}

export type WriteStatus = 'done' | 'planned' | 'failed';

export interface WriteRecord extends WriteDescription {
  status: WriteStatus;
  error?: string;
}

export type Logger = (line: string) => void;

/**
 * The one place where relkit changes anything outside the runner. In mock mode a write is
 * recorded and skipped, so a mock run walks exactly the code path of a real one.
 */
export class WritePath {
  readonly mock: boolean;
  private readonly records: WriteRecord[] = [];
  private readonly log: Logger;

  constructor(options: { mock: boolean; log?: Logger }) {
    this.mock = options.mock;
    this.log = options.log ?? (() => {});
  }

  /**
   * Performs `write` unless in mock mode. In mock mode returns `planned()` (a stand-in result
   * the caller can keep computing with) or undefined.
   */
  perform<T>(description: WriteDescription, write: () => Promise<T>, planned: () => T): Promise<T>;
  perform<T>(description: WriteDescription, write: () => Promise<T>): Promise<T | undefined>;
  async perform<T>(description: WriteDescription, write: () => Promise<T>, planned?: () => T): Promise<T | undefined> {
    if (this.mock) {
      this.records.push({ ...description, status: 'planned' });
      this.log(`[mock] would ${description.method} ${description.target}: ${description.summary}`);
      return planned?.();
    }
    try {
      const result = await write();
      this.records.push({ ...description, status: 'done' });
      this.log(`${description.method} ${description.target}: ${description.summary}`);
      return result;
    } catch (error) {
      this.records.push({ ...description, status: 'failed', error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  }

  get writes(): readonly WriteRecord[] {
    return this.records;
  }
}
