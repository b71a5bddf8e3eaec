/**
 * Whether an SDK tracer provider is registered. Hot paths (one call per GraphQL field) read this to
 * skip span bookkeeping entirely when tracing is off; `startTracing` is the only writer.
 */
let enabled = false;

export function isTracingEnabled(): boolean {
  return enabled;
}

export function setTracingEnabled(value: boolean): void {
  enabled = value;
}
