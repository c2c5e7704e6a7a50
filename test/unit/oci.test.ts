import { describe, expect, it } from 'vitest';
import { CredentialStore, formatReference, parseReference, parseRegistryAuth, parseWwwAuthenticate, platformMatches, withDefaultTag } from '@relkit/oci';
import { buildTargets } from '@relkit/image-wait';

describe('image references', () => {
  it.each([
    ['nginx', { domain: 'docker.io', registry: 'registry-1.docker.io', repository: 'library/nginx', tag: undefined }],
    ['docker.io/library/nginx:1.27', { domain: 'docker.io', registry: 'registry-1.docker.io', repository: 'library/nginx', tag: '1.27' }],
    ['index.docker.io/bitnami/redis', { domain: 'docker.io', repository: 'bitnami/redis' }],
    ['quay.io/metallb/speaker', { domain: 'quay.io', registry: 'quay.io', repository: 'metallb/speaker' }],
    ['ghcr.io/org/app:v1.2.3', { registry: 'ghcr.io', repository: 'org/app', tag: 'v1.2.3' }],
    ['registry.k8s.io/gateway-api-inference-extension/epp', { registry: 'registry.k8s.io', repository: 'gateway-api-inference-extension/epp' }],
    ['localhost:5000/x', { registry: 'localhost:5000', repository: 'x', tag: undefined }],
    [`localhost:5000/x:v1@sha256:${'a'.repeat(64)}`, { registry: 'localhost:5000', repository: 'x', tag: 'v1', digest: `sha256:${'a'.repeat(64)}` }],
  ])('parses %s', (text, expected) => {
    expect(parseReference(text)).toMatchObject(expected);
  });

  it.each([
    ['Quay.io/Acme/App', /"Acme\/App" is not a repository name/],
    ['quay.io/acme/app:', /"" is not a valid tag|not a valid tag/],
    ['quay.io/acme/app@sha256:abc', /"sha256:abc" is not a sha256 digest/],
    ['quay.io/acme app', /empty or contains spaces/],
  ])('refuses %s', (text, message) => {
    expect(() => parseReference(text)).toThrow(message);
  });

  it('fills the default tag only where none is given and formats back', () => {
    expect(withDefaultTag(parseReference('nginx'), 'v1').original).toBe('nginx:v1');
    expect(withDefaultTag(parseReference('quay.io/a/b:v2'), 'v1').tag).toBe('v2');
    expect(formatReference(parseReference('nginx:1.27'))).toBe('nginx:1.27');
  });
});

describe('WWW-Authenticate', () => {
  it('reads a Bearer challenge', () => {
    expect(parseWwwAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' } },
    ]);
  });
  it("reads Quay's Basic and Bearer challenges in one header", () => {
    expect(parseWwwAuthenticate('Basic realm="quay", Bearer realm="https://quay.io/v2/auth",service="quay.io"')).toEqual([
      { scheme: 'basic', params: { realm: 'quay' } },
      { scheme: 'bearer', params: { realm: 'https://quay.io/v2/auth', service: 'quay.io' } },
    ]);
  });
});

describe('credentials and platforms', () => {
  it('parses registry=user:password with colons and equals in the password, and Docker Hub aliases', () => {
    const store = new CredentialStore();
    parseRegistryAuth('quay.io=robot+ci:to:k=en\n# comment\ndocker.io=me:pw', store);
    expect(store.get('quay.io')).toEqual({ username: 'robot+ci', password: 'to:k=en' });
    expect(store.get('registry-1.docker.io')).toEqual({ username: 'me', password: 'pw' });
    expect(() => parseRegistryAuth('quay.io:robot', store)).toThrow(/line 1 is not REGISTRY=USER:PASSWORD \(the value is not shown\)/);
  });
  it('matches arm64 with and without its v8 variant, other variants exactly', () => {
    expect(platformMatches('linux/arm64', 'linux/arm64/v8')).toBe(true);
    expect(platformMatches('linux/arm/v7', 'linux/arm/v6')).toBe(false);
    expect(platformMatches('linux/amd64', 'linux/amd64')).toBe(true);
  });
  it('expands a same-digest-as prefix per image and checks counts', () => {
    const targets = buildTargets({
      images: ['registry.k8s.io/gaie/epp', 'registry.k8s.io/gaie/bbr'],
      tag: 'v1.6.0',
      platforms: [],
      sameDigestAs: ['us-central1-docker.pkg.dev/k8s-staging-images/gaie'],
    });
    expect(targets.map((t) => formatReference(t.sameDigestAs!))).toEqual([
      'us-central1-docker.pkg.dev/k8s-staging-images/gaie/epp:v1.6.0',
      'us-central1-docker.pkg.dev/k8s-staging-images/gaie/bbr:v1.6.0',
    ]);
    expect(() => buildTargets({ images: ['a/b', 'a/c', 'a/d'], tag: 'v1', platforms: [], sameDigestAs: ['x/b', 'x/c'] })).toThrow(/has 2 references for 3 images/);
  });
});
