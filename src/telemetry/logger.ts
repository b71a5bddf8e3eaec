import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { redactJsonText } from '../security/index.js';
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

/**
 * The service's JSON logger: pino at `level`, with {@link traceMixin}, and every line cleaned of the
 * secrets the process holds (by value, in any encoding: see src/security/held-secrets.ts) as it is
 * written, whatever field — message, error, stack — carried them.
 */
export function createLogger(
  level: string,
  options: Omit<LoggerOptions, 'level' | 'mixin'> = {},
  destination?: DestinationStream,
): Logger {
  const settings = { ...options, level, mixin: traceMixin, hooks: { streamWrite: redactJsonText } };
  return destination === undefined ? pino(settings) : pino(settings, destination);
}
