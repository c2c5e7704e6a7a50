import { UserError } from '@relkit/kit';

/** A parsed image reference. `registry` is the host to talk to (docker.io becomes registry-1.docker.io). */
export interface ImageReference {
  /** As the user wrote it, for messages and output keys. */
  original: string;
  /** The registry as users name it: `docker.io`, `quay.io`, `localhost:5000`. */
  domain: string;
  /** The host the API is served from. */
  registry: string;
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
}

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const DOMAIN = /^(?:localhost|[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+|\[[0-9a-fA-F:]+\]|[a-zA-Z0-9-]+)(?::\d+)?$/;

export const DOCKER_HUB = 'docker.io';
export const DOCKER_HUB_API = 'registry-1.docker.io';

function refuse(value: string, input: string, why: string): UserError {
  return new UserError(
    `Input \`${input}\`: "${value}" is not a valid image reference: ${why}.`,
    'Write references as [REGISTRY/]REPOSITORY[:TAG][@sha256:DIGEST], e.g. quay.io/metallb/speaker:v0.14.9 or nginx.',
    { input },
  );
}

/**
 * `user:password@host/repo` is not a reference, and repeating it in a message would print the
 * password: the error shows only the host and path.
 */
function refuseCredentials(value: string, input: string): void {
  // In a reference `@` only ever introduces a digest; anything else before it is a user and password.
  const at = value.lastIndexOf('@');
  const digest = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
  if (at < 0 || (digest.test(value.slice(at + 1)) && !value.slice(0, at).includes('@'))) return;
  const rest = value.slice(at + 1);
  throw new UserError(
    `Input \`${input}\`: an image reference carries credentials before its registry host (***@${rest}); they are not repeated here and were not used.`,
    'Take them out of the reference and pass them in `registry-auth` (REGISTRY=USER:PASSWORD, from a secret) or `docker-config`; rotate the password if this workflow log is public.',
    { input },
  );
}

/**
 * Parses a reference the way docker does: a first component with a dot, a colon or `localhost` is
 * the registry, anything else is on Docker Hub (`nginx` → `docker.io/library/nginx`).
 */
export function parseReference(value: string, input = 'images'): ImageReference {
  const original = value.trim();
  refuseCredentials(original, input);
  if (!original || /\s/.test(original)) throw refuse(value, input, 'it is empty or contains spaces');
  let rest = original;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw refuse(value, input, `"${digest}" is not a sha256 digest`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw refuse(value, input, `"${tag}" is not a valid tag`);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  let domain: string;
  let repository: string;
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['))) {
    domain = first;
    repository = rest.slice(slash + 1);
    if (!DOMAIN.test(domain)) throw refuse(value, input, `"${domain}" is not a registry host`);
  } else {
    domain = DOCKER_HUB;
    repository = rest;
  }
  if (domain === 'index.docker.io' || domain === DOCKER_HUB_API) domain = DOCKER_HUB;
  if (domain === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  if (!REPOSITORY.test(repository)) throw refuse(value, input, `"${repository}" is not a repository name (lowercase letters, digits, separators)`);
  return { original, domain, registry: domain === DOCKER_HUB ? DOCKER_HUB_API : domain, repository, tag, digest };
}

/** The reference with a tag filled in when it has neither tag nor digest. */
export function withDefaultTag(reference: ImageReference, tag: string | undefined): ImageReference {
  if (reference.tag || reference.digest || !tag) return reference;
  return { ...reference, tag, original: `${reference.original}:${tag}` };
}

/** What to ask the registry for: the digest if pinned, else the tag (latest when neither). */
export function manifestReference(reference: ImageReference): string {
  return reference.digest ?? reference.tag ?? 'latest';
}

export function formatReference(reference: ImageReference): string {
  const name = reference.domain === DOCKER_HUB ? reference.repository.replace(/^library\//, '') : `${reference.domain}/${reference.repository}`;
  return `${name}${reference.tag ? `:${reference.tag}` : ''}${reference.digest ? `@${reference.digest}` : ''}`;
}
