import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small round-robin HTTP load balancer on 127.0.0.1, standing in for a Kubernetes Service in
 * front of the replicas: each request goes to the next backend in turn. Like a Service whose
 * endpoint is gone, or NGINX's `proxy_next_upstream` for a read, a request whose backend fails
 * before answering (connection refused or reset: the replica died) is sent once to the next
 * backend, and that backend is skipped from then on. GraphQL queries here are reads, so sending
 * one again is safe. Only whole answers are passed on.
 */
export interface RoundRobinProxy {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** Index of the backend that answered each request, in the order answers were passed on. */
  readonly answeredBy: readonly number[];
  /** Requests sent again to another backend because theirs failed before answering. */
  readonly retried: number;
  /** Requests no backend answered (the proxy answered 502). */
  readonly failed: number;
  stop(): Promise<void>;
}

export async function startRoundRobinProxy(backends: readonly string[]): Promise<RoundRobinProxy> {
  const dead = new Set<number>();
  const answeredBy: number[] = [];
  let next = 0;
  let retried = 0;
  let failed = 0;

  const pick = (): number | undefined => {
    for (let n = 0; n < backends.length; n += 1) {
      const index = next++ % backends.length;
      if (!dead.has(index)) return index;
    }
    return undefined;
  };

  const forward = (index: number, req: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
      const target = new URL(backends[index]!);
      const out = request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host, connection: 'close' },
          agent: false,
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () =>
            resolve({
              status: answer.statusCode ?? 502,
              headers: answer.headers,
              body: Buffer.concat(chunks),
            }),
          );
          answer.on('error', reject);
        },
      );
      out.on('error', reject);
      out.end(body);
    });

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      void (async () => {
        for (let attempt = 0; attempt < 2; attempt += 1) {
          const index = pick();
          if (index === undefined) break;
          try {
            const answer = await forward(index, req, body);
            answeredBy.push(index);
            res.writeHead(answer.status, {
              'content-type': answer.headers['content-type'] ?? 'application/json',
            });
            res.end(answer.body);
            return;
          } catch {
            dead.add(index);
            if (attempt === 0) retried += 1;
          }
        }
        failed += 1;
        res.writeHead(502);
        res.end();
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    answeredBy,
    get retried() {
      return retried;
    },
    get failed() {
      return failed;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
