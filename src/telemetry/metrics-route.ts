import type { IncomingMessage, ServerResponse } from 'node:http';
import { metrics } from './metrics.js';

/** Path of the Prometheus scrape endpoint. */
export const METRICS_PATH = '/metrics';

/**
 * `GET /metrics`: the Prometheus text format. It carries only counts, durations and bounded labels
 * (no references, digests or identities), which is why it needs no authentication of its own; operators
 * who consider even traffic volumes private should not expose the port beyond the scraper.
 */
export async function serveMetrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    res.end('method not allowed\n');
    return;
  }
  const { contentType, body } = await metrics().render();
  res.writeHead(200, {
    'content-type': contentType,
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
