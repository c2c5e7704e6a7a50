import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, type SandboxResponse } from './http.js';

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function parseJson(req: IncomingMessage, raw: Buffer, server: string): unknown {
  if (server === 'uploads' || raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    if (String(req.headers['content-type'] ?? '').includes('json')) throw new HttpError(400, 'Problems parsing JSON');
    return undefined;
  }
}

export function send(res: ServerResponse, answer: SandboxResponse, headers: Record<string, string>): void {
  if (res.destroyed) return;
  const all: Record<string, string> = { ...headers, ...(answer.headers ?? {}) };
  if (answer.raw) {
    res.writeHead(answer.status, { 'content-type': 'application/octet-stream', ...all, 'content-length': String(answer.raw.length) });
    res.end(answer.raw);
    return;
  }
  if (answer.status === 204 || answer.body === undefined) {
    res.writeHead(answer.status, all);
    res.end();
    return;
  }
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...all, 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
