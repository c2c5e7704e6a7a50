import { UserError, githubMessage, httpStatus } from '@relkit/kit';

export function cannotAdminister(repository: string, error: unknown): UserError {
  return new UserError(
    `This token cannot administer branches of ${repository} (${httpStatus(error)} ${githubMessage(error)}).`,
    'GITHUB_TOKEN never has Administration permission; use a GitHub App token (actions/create-github-app-token) with Administration: write, or an admin token, in `token`.',
    { input: 'token', cause: error },
  );
}
