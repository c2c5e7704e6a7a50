/** A small REST client for the action shims: they talk to GitHub (the sandbox) as the real actions do. */
export async function githubRequest<T>(env: Record<string, string>, auth: string | undefined, method: string, path: string, body?: unknown): Promise<T> {
  const base = env.GITHUB_API_URL || 'https://api.github.com';
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      ...(auth ? { authorization: `Bearer ${auth}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // not JSON: keep the text
    }
    throw new Error(`${method} ${path}: ${response.status} ${message}`);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A GET whose answer is bytes (an archive), redirects followed. */
export async function githubDownload(env: Record<string, string>, auth: string | undefined, path: string): Promise<Buffer> {
  const base = env.GITHUB_API_URL || 'https://api.github.com';
  const response = await fetch(`${base}${path}`, { headers: { 'x-github-api-version': '2022-11-28', ...(auth ? { authorization: `Bearer ${auth}` } : {}) } });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return Buffer.from(await response.arrayBuffer());
}
