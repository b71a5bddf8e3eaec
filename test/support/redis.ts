import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { freePort } from './registry/free-port.js';

/**
 * A real `redis-server` on 127.0.0.1 for integration tests: a random port, no persistence
 * (`--save ''`, `--appendonly no`, so nothing is written to disk and a restart starts empty), and
 * the ability to kill it and bring it back on the same port, which is how the cache's behaviour
 * during a Redis outage is tested.
 */
export interface TestRedis {
  /** `redis://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** Sends `cmd` (inline protocol) and returns the raw reply, e.g. `dbSize()` for how many keys exist. */
  command(cmd: string): Promise<string>;
  /** Number of keys stored right now. */
  dbSize(): Promise<number>;
  /** SIGKILLs the server (an abrupt outage, not a clean shutdown) and waits until it is gone. */
  kill(): Promise<void>;
  /** SIGSTOPs the server: connections stay open but nothing is answered (a hung Redis). */
  pause(): void;
  /** SIGCONTs a paused server. */
  resume(): void;
  /** Starts a fresh, empty server on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export const REDIS_BINARY = process.env.IMPRIMATUR_TEST_REDIS_BIN ?? 'redis-server';

export async function startTestRedis(): Promise<TestRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined = await launch(port);

  const command = (cmd: string) => sendInline(port, cmd);
  const kill = async () => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    command,
    async dbSize() {
      const reply = await command('DBSIZE');
      const match = /^:(\d+)/.exec(reply);
      if (match?.[1] === undefined) throw new Error(`unexpected DBSIZE reply: ${reply}`);
      return Number(match[1]);
    },
    kill,
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    async restart() {
      await kill();
      child = await launch(port);
    },
    stop: kill,
  };
}

async function launch(port: number): Promise<ChildProcess> {
  const child = spawn(
    REDIS_BINARY,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--loglevel',
      'warning',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${output}`);
    try {
      if ((await sendInline(port, 'PING')).startsWith('+PONG')) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not come up on port ${port}: ${output}`);
}

/** One inline command over a fresh connection; the first reply line is enough for PING/DBSIZE/FLUSHALL. */
function sendInline(port: number, cmd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(2_000, () => socket.destroy(new Error(`redis ${cmd}: timed out`)));
    socket.on('connect', () => socket.write(`${cmd}\r\n`));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) {
        socket.end();
        resolve(reply);
      }
    });
    socket.on('error', reject);
  });
}
