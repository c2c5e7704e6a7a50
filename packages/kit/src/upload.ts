import { Readable } from 'node:stream';
import { GITHUB_API_VERSION } from './api-version.js';
import type { RequestCounter } from './request-counter.js';
import type { Logger } from './writes.js';

export interface UploadRequest {
  /** The release's upload_url with `{?name,label}` already expanded. */
  url: string;
  /** Opens the body afresh for every attempt, so a retry never sends a half-read stream. */
  open: () => NodeJS.ReadableStream;
  size: number;
  contentType: string;
}

export interface UploadAnswer {
  status: number;
  data: unknown;
}

interface UploaderOptions {
  fetch: typeof fetch;
  token: string;
  retries: number;
  retryBaseMs: number;
  requestTimeoutMs: number;
  requests: RequestCounter;
  log: Logger;
}

/**
 * Streams a release asset to the uploads host, outside Octokit (which buffers bodies): 5xx answers
 * and dropped connections are retried with backoff, 429 and secondary limits after Retry-After,
 * each time from a fresh stream; any other answer is returned for the caller to read.
 */
export function assetUploader(options: UploaderOptions): (request: UploadRequest) => Promise<UploadAnswer> {
  return async (request) => {
    for (let attempt = 0; ; attempt++) {
      let answer: Response | undefined;
      let failure: Error | undefined;
      try {
        options.requests.record('POST', request.url);
        // A big asset takes longer than an API call: allow for a slow 512 KiB/s link on top.
        answer = await options.fetch(request.url, {
          signal: AbortSignal.timeout(options.requestTimeoutMs + Math.ceil(request.size / 512)),
          method: 'POST',
          headers: {
            authorization: `token ${options.token}`,
            'content-type': request.contentType,
            'content-length': String(request.size),
            accept: 'application/vnd.github+json',
            'x-github-api-version': GITHUB_API_VERSION,
            'user-agent': 'relkit',
          },
          body: Readable.toWeb(Readable.from(request.open())) as ReadableStream,
          duplex: 'half',
        });
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
      }
      const status = answer?.status;
      const limited = status === 429 || (status === 403 && answer?.headers.get('retry-after') !== null);
      const transient = failure !== undefined || (status !== undefined && status >= 500) || limited;
      if (!transient || attempt >= options.retries) {
        if (failure || !answer) throw failure ?? new Error('The upload got no answer.');
        const text = await answer.text();
        let data: unknown = text;
        try {
          data = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        return { status: answer.status, data };
      }
      await answer?.body?.cancel();
      const retryAfter = Number(answer?.headers.get('retry-after'));
      const wait = limited && Number.isFinite(retryAfter) ? retryAfter * 1000 : options.retryBaseMs * 2 ** attempt * (0.5 + Math.random());
      options.log(`upload to ${request.url.replace(/\?.*$/, '')} failed (${failure ? failure.message : `HTTP ${status}`}); retrying in ${Math.round(wait)} ms`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  };
}
