export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

/** Everything relkit can read, indexes first, as `docker manifest inspect` asks. */
export const MANIFEST_ACCEPT = [OCI_INDEX, DOCKER_MANIFEST_LIST, OCI_MANIFEST, DOCKER_MANIFEST].join(', ');

export function isIndex(mediaType: string | undefined): boolean {
  return mediaType === OCI_INDEX || mediaType === DOCKER_MANIFEST_LIST;
}

export interface PlatformSpec {
  os: string;
  architecture: string;
  variant?: string | undefined;
}

export function formatPlatform(p: PlatformSpec): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

/** `linux/arm64` matches `linux/arm64/v8` (v8 is arm64's only variant); other variants must match. */
export function platformMatches(wanted: string, have: string): boolean {
  const normalize = (value: string) => {
    const [os = '', arch = '', variant] = value.toLowerCase().split('/');
    return `${os}/${arch}/${variant ?? (arch === 'arm64' ? 'v8' : '')}`;
  };
  return normalize(wanted) === normalize(have);
}
