import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxyFaultKind = '429' | '503' | 'reset' | 'redirect';

export interface ProxyFault {
  /** Substring of the request path. */
  path: string;
  kind: ProxyFaultKind;
  /** How many matching requests it catches (default 1; Infinity for all). */
  times?: number;
  /** Seconds for Retry-After (429). */
  retryAfter?: number;
}

export interface ProxyRequest {
  method: string;
  path: string;
  at: number;
  fault: ProxyFaultKind | undefined;
  authorization: string | undefined;
  accept: string | undefined;
}

export interface FaultProxy {
  host: string;
  url: string;
  seen: ProxyRequest[];
  add(fault: ProxyFault): void;
  stop(): Promise<void>;
}

/**
 * An HTTP proxy in front of a registry that answers chosen requests itself: 429 with Retry-After,
 * 503, a dropped connection, or a 307 redirect to the registry (as registry.k8s.io redirects to
 * its mirrors). Everything else is passed through untouched.
 */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const faults: Array<ProxyFault & { left: number }> = [];
  const seen: ProxyRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    const fault = faults.find((f) => f.left > 0 && path.includes(f.path));
    if (fault) fault.left--;
    seen.push({ method: req.method ?? 'GET', path, at: Date.now(), fault: fault?.kind, authorization: req.headers.authorization, accept: req.headers.accept });
    switch (fault?.kind) {
      case '429':
        res.writeHead(429, { 'retry-after': String(fault.retryAfter ?? 1), 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] }));
        return;
      case '503':
        res.writeHead(503, { 'content-type': 'text/plain' }).end('service unavailable');
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'redirect':
        res.writeHead(307, { location: `${upstream}${path}` }).end();
        return;
      default: {
        const forward = request({ host: target.hostname, port: target.port, method: req.method, path, headers: { ...req.headers, host: target.host } }, (upstreamRes) => {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
        });
        forward.on('error', () => res.destroy());
        req.pipe(forward);
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    url: `http://${host}`,
    seen,
    add: (f) => faults.push({ ...f, left: f.times ?? 1 }),
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
