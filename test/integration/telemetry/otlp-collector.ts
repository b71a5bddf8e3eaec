import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One OTLP/HTTP export as the collector received it. */
export interface ReceivedExport {
  readonly method: string;
  readonly path: string;
  readonly contentType: string;
  readonly body: OtlpTraceRequest;
}

/** The parts of an OTLP/JSON `ExportTraceServiceRequest` the tests read. */
export interface OtlpTraceRequest {
  readonly resourceSpans: readonly {
    readonly resource: { readonly attributes: readonly OtlpAttribute[] };
    readonly scopeSpans: readonly {
      readonly scope: { readonly name: string };
      readonly spans: readonly {
        readonly traceId: string;
        readonly spanId: string;
        readonly parentSpanId?: string;
        readonly name: string;
        readonly attributes: readonly OtlpAttribute[];
      }[];
    }[];
  }[];
}

export interface OtlpAttribute {
  readonly key: string;
  readonly value: { readonly stringValue?: string; readonly intValue?: number | string };
}

/**
 * A minimal OTLP/HTTP trace receiver on 127.0.0.1: accepts `POST /v1/traces` with a JSON body (gzip
 * or not), answers 200 with an empty JSON object as a collector does, and keeps what it received.
 */
export interface TestCollector {
  readonly url: string;
  readonly received: readonly ReceivedExport[];
  stop(): Promise<void>;
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
}

export async function startCollector(): Promise<TestCollector> {
  const received: ReceivedExport[] = [];
  const server: Server = createServer((req, res) => {
    readAll(req).then(
      (body) => {
        received.push({
          method: req.method ?? '',
          path: req.url ?? '',
          contentType: req.headers['content-type'] ?? '',
          body: JSON.parse(body.toString('utf8')) as OtlpTraceRequest,
        });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      },
      () => {
        res.writeHead(400);
        res.end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
