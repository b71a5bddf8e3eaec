import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny reverse proxy on 127.0.0.1 in front of a registry that records every request path. The
 * service is pointed at the proxy's host, so what it asks of the registry is observed from outside,
 * without any hook in the code under test.
 */
export interface CountingProxy {
  /** `127.0.0.1:PORT`, to use as the registry in image references. */
  readonly host: string;
  /** `METHOD path` of every request seen since the last reset, in arrival order. */
  readonly requests: readonly string[];
  /** How many `GET`s of `/v2/<name>/manifests/<reference>` were seen. */
  manifestGets(): number;
  /** How many `GET`s of `/v2/<name>/blobs/<digest>` were seen. */
  blobGets(): number;
  reset(): void;
  stop(): Promise<void>;
}

export async function startCountingProxy(upstreamUrl: string): Promise<CountingProxy> {
  const upstream = new URL(upstreamUrl);
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const count = (pattern: RegExp) => seen.filter((line) => pattern.test(line)).length;
  return {
    host: `127.0.0.1:${port}`,
    requests: seen,
    manifestGets: () => count(/^GET \/v2\/.+\/manifests\/[^/]+$/),
    blobGets: () => count(/^GET \/v2\/.+\/blobs\/[^/]+$/),
    reset: () => void seen.splice(0),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
