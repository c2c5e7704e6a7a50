/** Why a registry request did not give an answer about the image. */
export type RegistryFailure = 'auth' | 'rate-limited' | 'transient' | 'protocol';

export class RegistryError extends Error {
  constructor(
    readonly failure: RegistryFailure,
    message: string,
    readonly options: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RegistryError';
  }
}

export function isRegistryError(error: unknown): error is RegistryError {
  return error instanceof RegistryError;
}
