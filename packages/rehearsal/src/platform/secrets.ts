import { UserError } from '@relkit/kit';

/**
 * GitHub's rules for the names of repository, environment and organisation secrets: letters,
 * digits and underscores only, not starting with a digit or `GITHUB_`, compared without case.
 * https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions#naming-your-secrets
 * A name such as `app-id` can therefore never be a repository secret, and `secrets: inherit`
 * (which passes the caller's secrets by their names) can never deliver it.
 */
export function checkSecretName(name: string): void {
  const why = !/^[A-Za-z0-9_]+$/.test(name)
    ? 'secret names can only contain letters, digits and underscores'
    : /^[0-9]/.test(name)
      ? 'secret names must not start with a number'
      : /^GITHUB_/i.test(name)
        ? 'secret names must not start with GITHUB_'
        : undefined;
  if (why)
    throw new UserError(
      `GitHub would not store a repository secret named "${name}": ${why}.`,
      `Name it like ${name
        .toUpperCase()
        .replace(/[^A-Z0-9_]/g, '_')
        .replace(/^(?=[0-9])|^GITHUB_/, 'RELKIT_')}.`,
    );
}

/** A repository's secrets as GitHub holds them: checked names, looked up without case (stored upper case). */
export function repositorySecrets(secrets: Record<string, string>): Record<string, string> {
  const held: Record<string, string> = {};
  for (const [name, value] of Object.entries(secrets)) {
    checkSecretName(name);
    held[name.toUpperCase()] = value;
  }
  return held;
}

/**
 * The secrets a called workflow receives. `secrets: inherit` passes every secret of the caller by its
 * name; an explicit `secrets:` map may only name secrets the called workflow declares under
 * `on.workflow_call.secrets`, as GitHub refuses the run otherwise ("Invalid secret, … is not defined
 * in the referenced workflow").
 * https://docs.github.com/en/actions/sharing-automations/reusing-workflows#passing-inputs-and-secrets-to-a-reusable-workflow
 */
export function secretsForCalledWorkflow(options: {
  inherit: boolean;
  caller: Record<string, string>;
  given: Record<string, string>;
  declared: readonly string[];
  workflow: string;
}): Record<string, string> {
  if (options.inherit) return { ...options.caller };
  const declared = new Set(options.declared.map((name) => name.toLowerCase()));
  for (const name of Object.keys(options.given)) {
    if (!declared.has(name.toLowerCase())) {
      throw new UserError(
        `Invalid secret, ${name} is not defined in the referenced workflow ${options.workflow}.`,
        `Pass only the secrets it declares (${options.declared.join(', ') || 'none'}), or use \`secrets: inherit\`.`,
      );
    }
  }
  return { ...options.given };
}
