import type { SeedRepo } from '@relkit/sandbox';
import { day, type Scenario } from '../scenario.js';

export const PROMOTER_MANIFEST = 'registry.k8s.io/images/k8s-staging-example/images.yaml';

/**
 * A bot account with a fork of kubernetes/k8s.io, as Kubernetes projects open promotion PRs from a
 * bot's fork with the bot's token (an App installed on the fork could not open them upstream).
 */
export function promoterBot(login: string): Pick<Scenario, 'identities' | 'secrets'> & { fork: SeedRepo } {
  const token = `ghp_sandbox_${login.replace(/-/g, '_')}`;
  return {
    identities: [{ token, kind: 'user', login }],
    secrets: { RELKIT_PROMOTE_TOKEN: token },
    fork: { owner: login, name: 'k8s.io', ownerType: 'User', fork: 'kubernetes/k8s.io', commits: [] },
  };
}

export function promoterRepo(existing: string, manifest = PROMOTER_MANIFEST): SeedRepo {
  return {
    owner: 'kubernetes',
    name: 'k8s.io',
    ownerType: 'Organization',
    commits: [{ id: 'init', message: 'Add the example staging project', author: 'k8s-infra', date: day(0), files: { [manifest]: existing, 'README.md': '# k8s.io\n' } }],
  };
}
