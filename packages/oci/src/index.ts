export { parseReference, withDefaultTag, manifestReference, formatReference, DOCKER_HUB, DOCKER_HUB_API, type ImageReference } from './reference.js';
export { CredentialStore, parseRegistryAuth, loadDockerConfig, collectCredentials, type Credential } from './credentials.js';
export { parseWwwAuthenticate, type Challenge } from './www-authenticate.js';
export { RegistryClient, type RegistryClientOptions, type ResolveResult } from './client.js';
export { RegistryError, isRegistryError, type RegistryFailure } from './errors.js';
export { MANIFEST_ACCEPT, isIndex, formatPlatform, platformMatches, type PlatformSpec } from './media-types.js';
