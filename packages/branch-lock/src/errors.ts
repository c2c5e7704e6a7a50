import { UserError } from '@relkit/kit';

export function status(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null ? (error as { status?: number }).status : undefined;
}

export function apiMessage(error: unknown): string {
  const data = (error as { response?: { data?: { message?: string } } })?.response?.data;
  return data?.message ?? (error instanceof Error ? error.message : String(error));
}

export function cannotAdminister(repository: string, error: unknown): UserError {
  return new UserError(
    `This token cannot administer branches of ${repository} (${status(error)} ${apiMessage(error)}).`,
    'GITHUB_TOKEN never has Administration permission; use a GitHub App token (actions/create-github-app-token) with Administration: write, or an admin token, in `token`.',
    { input: 'token', cause: error },
  );
}
