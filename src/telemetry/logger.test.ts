import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { heldSecrets } from '../security/index.js';
import { createLogger, traceMixin } from './logger.js';
import { randomTraceIds, runWithTraceIds } from './trace-context.js';

function capture(): { logger: pino.Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  // The same mixin createLogger installs, over a stream the test can read.
  const logger = pino({ level: 'info', mixin: traceMixin }, sink);
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('the trace mixin of the JSON logger', () => {
  it('adds the request’s trace_id and span_id to lines logged while serving it', async () => {
    const { logger, lines } = capture();
    const ids = randomTraceIds();
    await runWithTraceIds(ids, async () => {
      await new Promise((resolve) => setImmediate(resolve)); // across an await, as in a resolver
      logger.info('inside');
    });
    expect(lines()).toEqual([
      expect.objectContaining({ msg: 'inside', trace_id: ids.traceId, span_id: ids.spanId }),
    ]);
  });

  it('adds nothing outside a request', () => {
    const { logger, lines } = capture();
    logger.info('outside');
    expect(lines()[0]).not.toHaveProperty('trace_id');
  });
});

describe('the JSON logger', () => {
  it('writes no secret the process holds, in whatever field or spelling it was logged', () => {
    const chunks: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString('utf8'));
        done();
      },
    });
    const password = 'logger-test-pa55"word/x';
    const basic = Buffer.from(`reader:${password}`).toString('base64');
    heldSecrets.holdCredentials('reader', password);
    const logger = createLogger('info', {}, sink);
    logger.warn(
      {
        err: new Error(`registry said ${password}`),
        header: `Basic ${basic}`,
        url: `/x?p=${encodeURIComponent(password)}`,
      },
      `refused ${basic}`,
    );
    const line = chunks.join('');
    const entry = JSON.parse(line) as {
      msg: string;
      header: string;
      err: { message: string; stack: string };
    };
    expect(entry.msg).toBe('refused [redacted]');
    expect(entry.header).toBe('Basic [redacted]');
    expect(entry.err.message).toBe('registry said [redacted]');
    for (const secret of [
      password,
      basic,
      encodeURIComponent(password),
      JSON.stringify(password).slice(1, -1),
    ]) {
      expect(line).not.toContain(secret);
    }
  });
});
