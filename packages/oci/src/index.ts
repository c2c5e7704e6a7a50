export { parseReference, withDefaultTag, formatReference, type ImageReference } from './reference.js';
export { CredentialStore, parseRegistryAuth, collectCredentials, type Credential } from './credentials.js';
export { parseWwwAuthenticate, type Challenge } from './www-authenticate.js';
export { RegistryClient, type RegistryClientOptions, type ResolveResult } from './client.js';
export { isRegistryError, type RegistryFailure } from './errors.js';
export { platformMatches, type PlatformSpec } from './media-types.js';
