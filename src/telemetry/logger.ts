import { pino, type Logger, type LoggerOptions } from 'pino';
import { currentTraceIds } from './trace-context.js';

/**
 * Adds the current request's `trace_id` and `span_id` (OpenTelemetry's log field names) to every line
 * logged while serving it, so a log line leads to its trace and a response's `extensions.traceId` to
 * its log lines. Outside a request it adds nothing.
 */
export function traceMixin(): Record<string, string> {
  const ids = currentTraceIds();
  return ids === undefined ? {} : { trace_id: ids.traceId, span_id: ids.spanId };
}

/** The service's JSON logger: pino at `level`, with {@link traceMixin}. */
export function createLogger(level: string, options: Omit<LoggerOptions, 'level' | 'mixin'> = {}): Logger {
  return pino({ ...options, level, mixin: traceMixin });
}
