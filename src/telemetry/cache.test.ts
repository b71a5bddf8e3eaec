import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordCacheLookup, traceCacheLookup } from './cache.js';
import { inSpan } from './tracer.js';
import { startTracing, type TracingHandle } from './tracing-setup.js';

describe('the cache telemetry API, with tracing on', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: TracingHandle;
  beforeAll(() => {
    tracing = startTracing({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  });
  afterAll(() => tracing.shutdown());
  beforeEach(() => exporter.reset());

  it('traces a look-up as a span marked hit or miss, nested under the caller', async () => {
    await inSpan('caller', {}, async () => {
      await traceCacheLookup('manifests', async () => ({ digest: 'sha256:x' }));
      await traceCacheLookup('manifests', async () => undefined);
    });
    const spans = exporter.getFinishedSpans();
    const caller = spans.find((span) => span.name === 'caller');
    const lookups = spans.filter((span) => span.name === 'cache lookup manifests');
    expect(lookups.map((span) => span.attributes['imprimatur.cache.hit'])).toEqual([true, false]);
    for (const span of lookups) {
      expect(span.parentSpanContext?.spanId).toBe(caller?.spanContext().spanId);
      expect(span.attributes['imprimatur.cache.namespace']).toBe('manifests');
    }
  });

  it('marks a look-up that throws as failed and lets the error through', async () => {
    const broken = Object.assign(new Error('store down'), { code: 'CACHE_UNAVAILABLE' });
    await expect(traceCacheLookup('tokens', async () => Promise.reject(broken))).rejects.toBe(broken);
    const [span] = exporter.getFinishedSpans();
    expect(span?.attributes['error.type']).toBe('CACHE_UNAVAILABLE');
    expect(span?.status.code).toBe(2);
  });

  it('notes a synchronous look-up as an event on the active span', async () => {
    await inSpan('caller', {}, async () => recordCacheLookup('tokens', false));
    const [caller] = exporter.getFinishedSpans();
    expect(caller?.events).toEqual([
      expect.objectContaining({
        name: 'cache lookup',
        attributes: { 'imprimatur.cache.namespace': 'tokens', 'imprimatur.cache.hit': false },
      }),
    ]);
  });
});
