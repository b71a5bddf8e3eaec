import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../support/service.js';

/**
 * Slow clients against the real server over real sockets: each is cut at its configured time. The
 * service runs with short timeouts (1 s headers, 2 s whole request, 1 s keep-alive) so the suite
 * stays fast; the defaults (10 s / 30 s / 5 s) are the same code path with other numbers.
 */
const HEADERS_MS = 1_000;
const REQUEST_MS = 2_000;
const KEEP_ALIVE_MS = 1_000;
/** Node keeps an idle kept-alive socket this much longer than `keepAliveTimeout` (a grace against races). */
const NODE_KEEP_ALIVE_GRACE_MS = 1_000;
/** Scheduling slack on a busy 2-core machine; the bug being guarded against was 20+ s late. */
const MARGIN_MS = 1_000;

interface Closed {
  /** Milliseconds from connecting until the server closed the socket. */
  readonly afterMs: number;
  /** `Date.now()` when it closed. */
  readonly closedAt: number;
  /** Everything the server sent. */
  readonly received: string;
}

/** Connects, lets `drive` write (it may return a timer to stop), and resolves when the server closes. */
function whenClosed(url: string, drive: (socket: Socket) => NodeJS.Timeout | undefined): Promise<Closed> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(Number(port), hostname);
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    socket.on('connect', () => (timer = drive(socket)));
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    // The server resets a socket it cuts while we are still writing: that is a close too.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ afterMs: Date.now() - started, closedAt: Date.now(), received });
    });
  });
}

/** Writes `text` one byte every `everyMs`, forever (until the server closes the socket). */
function dribble(socket: Socket, text: string, everyMs: number): NodeJS.Timeout {
  let next = 0;
  return setInterval(() => {
    if (!socket.writable) return;
    socket.write(text[next % text.length] ?? ' ');
    next += 1;
  }, everyMs);
}

describe.concurrent('slow clients are cut at the configured times', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService({
      insecureRegistries: ['127.0.0.1:9'],
      config: {
        clientTimeouts: { headersMs: HEADERS_MS, requestMs: REQUEST_MS, keepAliveMs: KEEP_ALIVE_MS },
      },
    });
  });
  afterAll(async () => service?.stop());

  it('a connection that never sends a byte is closed at the headers timeout', async () => {
    const closed = await whenClosed(service.url, () => undefined);
    expect(closed.afterMs).toBeGreaterThanOrEqual(HEADERS_MS - 100);
    expect(closed.afterMs).toBeLessThan(HEADERS_MS + MARGIN_MS);
  });

  it('headers dribbled a byte at a time are cut at the headers timeout with 408', async () => {
    const closed = await whenClosed(service.url, (socket) => {
      socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
      return dribble(socket, 'X-Slow: yes\r\n', 100);
    });
    expect(closed.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(closed.afterMs).toBeGreaterThanOrEqual(HEADERS_MS - 100);
    expect(closed.afterMs).toBeLessThan(HEADERS_MS + MARGIN_MS);
  });

  it.each([
    ['GraphQL', '/graphql'],
    ['REST', '/v1/verify'],
  ])('a %s body dribbled a byte at a time is cut at the request timeout with 408', async (_edge, path) => {
    const closed = await whenClosed(service.url, (socket) => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`,
      );
      return dribble(socket, ' ', 100);
    });
    expect(closed.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(closed.afterMs).toBeGreaterThanOrEqual(REQUEST_MS - 100);
    expect(closed.afterMs).toBeLessThan(REQUEST_MS + MARGIN_MS);
  });

  it('an idle kept-alive connection is closed at the keep-alive timeout', async () => {
    let answeredAt = 0;
    const closed = await whenClosed(service.url, (socket) => {
      socket.once('data', () => (answeredAt = Date.now()));
      socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      return undefined;
    });
    expect(closed.received).toMatch(/^HTTP\/1\.1 200 /);
    expect(closed.received.toLowerCase()).toContain(`keep-alive: timeout=${KEEP_ALIVE_MS / 1000}`);
    const idleMs = closed.closedAt - answeredAt;
    expect(idleMs).toBeGreaterThanOrEqual(KEEP_ALIVE_MS - 100);
    expect(idleMs).toBeLessThan(KEEP_ALIVE_MS + NODE_KEEP_ALIVE_GRACE_MS + MARGIN_MS);
  });
});
