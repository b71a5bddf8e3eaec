import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A node:http reverse proxy on 127.0.0.1 in front of a real docker-registry. By default it passes
 * every request through untouched; a test arms a {@link Fault} for the requests it matches, and the
 * proxy misbehaves exactly the way a broken registry or middlebox does. The service under test only
 * ever sees the proxy's host, so the registry behind it can be stopped and a new one started
 * (`retarget`) while image references, signatures and caches keep naming the same host.
 */
export type Fault =
  /** Answers nothing until the client gives up (headers never come). */
  | { readonly kind: 'hang' }
  /**
   * Holds the request until `release` settles, then passes it on to whatever registry is behind by
   * then, or answers `thenStatus` (with an empty distribution error body) when one is given.
   */
  | { readonly kind: 'hold'; readonly release: Promise<unknown>; readonly thenStatus?: number }
  /** The real headers and the first bytes of the body at once, then nothing more (a stalled transfer). */
  | { readonly kind: 'stall' }
  /** Answers with this status and an empty distribution error body. */
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Record<string, string> }
  /** The real answer's headers with a Content-Length larger than what is sent, then the socket closes. */
  | { readonly kind: 'truncate' }
  /** The real status and headers, with one byte of the body changed (same length). */
  | { readonly kind: 'corrupt' }
  /** A 200 with this content type and body instead of the real answer (an HTML or JSON error page). */
  | { readonly kind: 'page'; readonly contentType: string; readonly body: string };

export interface FaultRule {
  /** Which requests misbehave, e.g. `(method, path) => path.includes('/manifests/')`. */
  readonly match: (method: string, path: string) => boolean;
  readonly fault: Fault;
  /** How many matching requests misbehave before the rule is spent; default: all of them. */
  readonly times?: number;
}

export interface FaultProxy {
  /** `127.0.0.1:PORT`, the registry host the service is told about. */
  readonly host: string;
  /** Every request seen (method and path), in order. */
  readonly requests: readonly SeenRequest[];
  /** Arms a rule (replacing any previous one) and forgets recorded requests. */
  inject(rule: FaultRule): void;
  /** Disarms the rule: everything passes through again. */
  heal(): void;
  /** Points the proxy at another upstream registry (`http://127.0.0.1:PORT`). */
  retarget(upstreamUrl: string): void;
  stop(): Promise<void>;
}

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  /** Whether the armed fault answered it. */
  readonly faulted: boolean;
  /** `Date.now()` on arrival, for "the retry waited for Retry-After" checks. */
  readonly at: number;
}

interface Upstream {
  readonly status: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

export async function startFaultProxy(upstreamUrl: string): Promise<FaultProxy> {
  let upstream = new URL(upstreamUrl);
  let rule: { readonly spec: FaultRule; remaining: number } | undefined;
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();

  const forward = (req: IncomingMessage, body: Buffer): Promise<Upstream> =>
    new Promise((resolve, reject) => {
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
          timeout: 10_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 502,
              headers: res.headers as Record<string, string | string[]>,
              body: Buffer.concat(chunks),
            }),
          );
          res.on('error', reject);
        },
      );
      out.on('timeout', () => out.destroy(new Error('upstream timed out')));
      out.on('error', reject);
      out.end(body);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const armed =
      rule !== undefined && rule.remaining > 0 && rule.spec.match(method, path) ? rule : undefined;
    if (armed !== undefined) armed.remaining -= 1;
    requests.push({ method, path, faulted: armed !== undefined, at: Date.now() });
    const fault = armed?.spec.fault;
    if (fault?.kind === 'hang') return; // the socket is destroyed when the client gives up or on stop
    if (fault?.kind === 'hold') await fault.release.catch(() => undefined);
    const answerWith = (status: number, headers?: Record<string, string>) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end('{"errors":[]}');
    };
    if (fault?.kind === 'status') return answerWith(fault.status, fault.headers);
    if (fault?.kind === 'hold' && fault.thenStatus !== undefined) return answerWith(fault.thenStatus);
    if (fault?.kind === 'page') {
      res.writeHead(200, { 'content-type': fault.contentType });
      return void res.end(fault.body);
    }
    let answer: Upstream;
    try {
      answer = await forward(req, Buffer.concat(chunks));
    } catch {
      // The registry behind is gone: to the client this looks like a registry that drops connections.
      return void req.socket.destroy();
    }
    const headers = { ...answer.headers };
    delete headers['transfer-encoding'];
    delete headers['connection'];
    if (fault?.kind === 'stall' && answer.body.length > 1) {
      res.writeHead(answer.status, headers);
      // The socket stays open with the rest owed; it is destroyed when the client gives up or on stop.
      return void res.write(answer.body.subarray(0, 1));
    }
    if (fault?.kind === 'truncate' && answer.body.length > 1) {
      res.writeHead(answer.status, { ...headers, 'content-length': String(answer.body.length + 1024) });
      res.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)));
      // Give the half body a moment to reach the client, then close mid-body.
      return void setTimeout(() => req.socket.destroy(), 20);
    }
    let body = answer.body;
    if (fault?.kind === 'corrupt' && body.length > 0 && method !== 'HEAD') {
      body = Buffer.from(body);
      const at = Math.floor(body.length / 2);
      // A space for a space would change nothing: flip to a different printable byte.
      body[at] = body[at] === 0x20 ? 0x09 : 0x20;
    }
    res.writeHead(answer.status, headers);
    res.end(method === 'HEAD' ? undefined : body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    requests,
    inject(spec) {
      requests.length = 0;
      rule = { spec, remaining: spec.times ?? Number.POSITIVE_INFINITY };
    },
    heal() {
      rule = undefined;
    },
    retarget(next) {
      upstream = new URL(next);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
