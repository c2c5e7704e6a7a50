/**
 * An error the user can fix. `message` is the one-line cause, `fix` the one-line remedy.
 * Anything else thrown is a bug in relkit (or an outage) and is reported with its stack.
 */
export class UserError extends Error {
  readonly fix: string;
  readonly input: string | undefined;

  constructor(cause: string, fix: string, options: { input?: string; cause?: unknown } = {}) {
    super(cause, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UserError';
    this.fix = fix;
    this.input = options.input;
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

interface HttpLikeError {
  status: number;
  message: string;
  request?: { method?: string; url?: string };
  response?: { data?: unknown; headers?: Record<string, string | undefined> };
}

function isHttpLikeError(error: unknown): error is HttpLikeError {
  return typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number';
}

/** The HTTP status of an Octokit error, or undefined for anything that is not an HTTP answer. */
export function httpStatus(error: unknown): number | undefined {
  return isHttpLikeError(error) ? error.status : undefined;
}

/** GitHub's own `message` from an error answer, else the error's message. */
export function githubMessage(error: unknown): string {
  const data = isHttpLikeError(error) ? (error.response?.data as { message?: string } | undefined) : undefined;
  return data?.message ?? (error instanceof Error ? error.message : String(error));
}

/**
 * Turns the GitHub answers a user can cause (bad token, missing permission, unknown repository)
 * into a UserError with a fix; leaves every other error untouched.
 * `what` names the thing being done, e.g. "create a ruleset on acme/app".
 */
export function explainGitHubError(error: unknown, what: string, permission = 'the required'): unknown {
  if (!isHttpLikeError(error)) return error;
  const apiMessage = githubMessage(error);
  switch (error.status) {
    case 401:
      return new UserError(
        `GitHub rejected the token while trying to ${what} (401 ${apiMessage}).`,
        'Pass a valid, unexpired token in the `token` input (e.g. secrets.GITHUB_TOKEN, a GitHub App token or a PAT).',
        { cause: error },
      );
    case 403:
      if (/rate limit/i.test(apiMessage)) return error;
      return new UserError(
        `The token may not ${what} (403 ${apiMessage}).`,
        `Use a token with ${permission} permission: a GitHub App installation token or an admin PAT; GITHUB_TOKEN cannot do everything.`,
        { cause: error },
      );
    case 404:
      return new UserError(
        `GitHub answered 404 while trying to ${what} (${apiMessage}).`,
        `Check the repository and ref names; GitHub also answers 404 when the token lacks ${permission} permission.`,
        { cause: error },
      );
    default:
      return error;
  }
}
