import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readRequestBody, RequestBodyLimitError } from './request-body.js';

/** A request body stream with headers, standing in for Node's IncomingMessage (a Readable too). */
function fakeRequest(headers: Record<string, string> = {}): PassThrough & IncomingMessage {
  return Object.assign(new PassThrough(), { headers }) as unknown as PassThrough & IncomingMessage;
}

const limits = { maxBytes: 10, timeoutMs: 200 };

describe('readRequestBody', () => {
  it('returns the whole body once it ends', async () => {
    const req = fakeRequest();
    const read = readRequestBody(req, limits);
    req.write('{"a":');
    req.end('1}');
    expect((await read).toString()).toBe('{"a":1}');
  });

  it('refuses a declared Content-Length over the cap before reading', async () => {
    await expect(readRequestBody(fakeRequest({ 'content-length': '11' }), limits)).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'request body larger than 10 bytes',
    });
  });

  it('refuses a body that grows past the cap while streaming', async () => {
    const req = fakeRequest();
    const read = readRequestBody(req, limits);
    req.write('123456');
    req.write('789012');
    await expect(read).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('refuses a body still trickling in at the deadline', async () => {
    const req = fakeRequest();
    const read = readRequestBody(req, limits);
    const trickle = setInterval(() => req.write('.'), 50);
    const started = Date.now();
    try {
      await expect(read).rejects.toMatchObject({
        code: 'REQUEST_TIMEOUT',
        message: 'request body not received within 200 ms',
      });
    } finally {
      clearInterval(trickle);
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('says the client closed when the stream is destroyed before it ends', async () => {
    const req = fakeRequest();
    const read = readRequestBody(req, limits);
    req.write('12');
    req.destroy();
    const error: unknown = await read.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestBodyLimitError);
    expect(error).toMatchObject({ code: 'CLIENT_CLOSED' });
  });
});
