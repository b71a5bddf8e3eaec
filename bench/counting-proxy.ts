import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * One request the service made of the registry, as seen from outside the service. The `accept`
 * header is kept because a registry negotiates manifests by it: replaying a manifest GET without it
 * could fetch different bytes than the service did.
 */
export interface ObservedRequest {
  readonly method: string;
  readonly path: string;
  readonly accept: string | undefined;
  readonly status: number;
  /** `performance.now()` when the request arrived and when its answer was fully sent. */
  readonly startedAt: number;
  readonly endedAt: number;
}

/**
 * A reverse proxy on 127.0.0.1 in front of the registry that logs every request, so what the
 * service asks of the registry is counted without any hook in the code under test (the same idea as
 * `test/integration/graph/counting-proxy.ts`, which logs only `METHOD path`; the bench also needs
 * timing and `Accept` to replay the same fetches with a plain client).
 *
 * Everything the bench compares goes through this proxy — the service and the plain client alike —
 * so its own cost is on both sides of every ratio.
 */
export interface CountingProxy {
  /** `127.0.0.1:PORT`: the registry host as it appears in image references. */
  readonly host: string;
  readonly url: string;
  /** Requests whose answer has been sent since the last `reset`, in completion order. */
  readonly requests: readonly ObservedRequest[];
  /** Requests that arrived since the last `reset` (including ones still in flight). */
  arrived(): number;
  reset(): void;
  stop(): Promise<void>;
}

export async function startCountingProxy(
  upstreamUrl: string,
  options: { readonly delayMs?: number } = {},
): Promise<CountingProxy> {
  const delayMs = options.delayMs ?? 0;
  const upstream = new URL(upstreamUrl);
  // Keep-alive upstream, as the service's own client keeps its connections: a new TCP connection
  // per proxied request would add a cost the service does not have.
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const done: ObservedRequest[] = [];
  let arrived = 0;
  const server: Server = createServer((req, res) => {
    arrived += 1;
    const startedAt = performance.now();
    const accept = req.headers.accept;
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
        agent,
      },
      (answer) => {
        const status = answer.statusCode ?? 502;
        res.writeHead(status, answer.headers);
        answer.pipe(res);
        res.once('finish', () =>
          done.push({
            method: req.method ?? 'GET',
            path: req.url ?? '/',
            accept,
            status,
            startedAt,
            endedAt: performance.now(),
          }),
        );
      },
    );
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    // An unread request stays paused, so its (empty) body waits for the pipe however long the delay.
    if (delayMs > 0) setTimeout(() => req.pipe(forward), delayMs);
    else req.pipe(forward);
  });
  // The stampede sends 100 concurrent queries; the default backlog is plenty, but keep-alive sockets
  // from many fresh clients must not be capped.
  server.maxConnections = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    requests: done,
    arrived: () => arrived,
    reset: () => {
      done.splice(0);
      arrived = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
