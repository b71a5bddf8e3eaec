import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * One request the client made, seen from outside it. Only the scheme of the `Authorization` header is
 * kept, never its value: the tests assert *when* credentials went out, and a recording must not be a
 * place where they could leak from.
 */
export interface SeenRequest {
  readonly path: string;
  readonly status: number;
  readonly auth: 'none' | 'basic' | 'bearer' | 'other';
}

/**
 * A reverse proxy on 127.0.0.1 in front of a real registry that records each request's path, answer
 * status and authorization scheme, in arrival order. The client under test is pointed at the proxy's
 * host, so the handshake is observed without any hook in the code under test.
 * (`test/integration/graph/counting-proxy.ts` keeps only `METHOD path`; these tests need the rest.)
 */
export interface RecordingProxy {
  /** `127.0.0.1:PORT`, to use as the registry in references and in config.json. */
  readonly host: string;
  /** Requests whose answer has arrived since the last reset, in arrival order of the requests. */
  readonly requests: readonly SeenRequest[];
  reset(): void;
  stop(): Promise<void>;
}

function schemeOf(header: string | undefined): SeenRequest['auth'] {
  if (header === undefined) return 'none';
  const scheme = header.split(' ', 1)[0]!.toLowerCase();
  return scheme === 'basic' || scheme === 'bearer' ? scheme : 'other';
}

export async function startRecordingProxy(upstreamUrl: string): Promise<RecordingProxy> {
  const upstream = new URL(upstreamUrl);
  // Slots are taken on arrival and filled on answer, so the order is the order requests were sent in.
  let seen: (SeenRequest | undefined)[] = [];
  const server: Server = createServer((req, res) => {
    const slots = seen;
    const slot = slots.push(undefined) - 1;
    const path = req.url ?? '/';
    const auth = schemeOf(req.headers.authorization);
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        const status = answer.statusCode ?? 502;
        slots[slot] = { path, status, auth };
        res.writeHead(status, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      slots[slot] = { path, status: 502, auth };
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    get requests() {
      return seen.filter((entry): entry is SeenRequest => entry !== undefined);
    },
    reset: () => void (seen = []),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
