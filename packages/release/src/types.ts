import type { GitHubClients, Logger, WritePath } from '@relkit/kit';

export interface ReleaseClients {
  github: GitHubClients;
  writes: WritePath;
  log: Logger;
}

export interface RepoId {
  owner: string;
  repo: string;
}

/** The fields of a GitHub release relkit reads. */
export interface ReleaseInfo {
  id: number;
  tag_name: string;
  name: string | null;
  body?: string | null;
  draft: boolean;
  prerelease: boolean;
  html_url: string;
  upload_url: string;
  target_commitish: string;
  published_at: string | null;
}

export interface RemoteAsset {
  id: number;
  name: string;
  size: number;
  state: string;
  digest?: string | null;
  browser_download_url: string;
}
