import { context, trace, type Context, type Span } from '@opentelemetry/api';
import type { GraphQLFieldResolver, GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import { Attr } from './attributes.js';
import { operationSpans } from './operation-spans.js';
import { recordFailure, tracer } from './tracer.js';
import { isTracingEnabled } from './tracing-state.js';

type Path = GraphQLResolveInfo['path'];

/** The spans of asynchronous resolvers by their result path, so nested resolvers find their parent. */
const resolverSpans = new WeakMap<Path, Span>();

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Dotted result path (`images.0.manifest.platform`) for the span attribute. */
function pathString(path: Path): string {
  const parts: (string | number)[] = [];
  for (let at: Path | undefined = path; at !== undefined; at = at.prev) parts.push(at.key);
  return parts.reverse().join('.');
}

/** The nearest enclosing resolver span, else the operation's span, else whatever is active. */
function parentContext(contextValue: unknown, path: Path): Context {
  for (let at = path.prev; at !== undefined; at = at.prev) {
    const span = resolverSpans.get(at);
    if (span !== undefined) return trace.setSpan(context.active(), span);
  }
  const operation =
    typeof contextValue === 'object' && contextValue !== null ? operationSpans.get(contextValue) : undefined;
  return operation === undefined ? context.active() : trace.setSpan(context.active(), operation);
}

function traced(resolve: GraphQLFieldResolver<unknown, unknown>): GraphQLFieldResolver<unknown, unknown> {
  return function tracedResolver(source, args, contextValue, info) {
    if (!isTracingEnabled()) return resolve(source, args, contextValue, info);
    const parent = parentContext(contextValue, info.path);
    const span = tracer().startSpan(
      `${info.parentType.name}.${info.fieldName}`,
      {
        attributes: {
          [Attr.GRAPHQL_FIELD_NAME]: info.fieldName,
          [Attr.GRAPHQL_PARENT_TYPE]: info.parentType.name,
          [Attr.GRAPHQL_FIELD_PATH]: pathString(info.path),
        },
      },
      parent,
    );
    const result = context.with(trace.setSpan(parent, span), () => resolve(source, args, contextValue, info));
    // A resolver that answers synchronously read a property: no I/O, and a span for every such field
    // would bury the ones that matter. (type-graphql runs the methods of resolver classes, where all
    // our I/O starts, asynchronously; plain object-type properties resolve synchronously.) Its span is simply never ended, and
    // the SDK exports only ended spans (it keeps no reference to open ones, so nothing accumulates).
    if (!isPromiseLike(result)) return result;
    resolverSpans.set(info.path, span);
    return Promise.resolve(result).then(
      (value) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        recordFailure(span, error);
        span.end();
        throw error;
      },
    );
  };
}

/**
 * Wraps every field resolver of `schema` (in place; returns the same schema) so that, when tracing is
 * on, each resolver that does I/O (returns a promise) gets a span, nested under the enclosing
 * asynchronous resolver or the operation, and the registry and verification spans it causes nest
 * under it. When tracing is off the wrapper is one boolean check per field.
 */
export function instrumentSchema(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    // Duck-typed, not `isObjectType`: graphql is dual-packaged (ESM and CJS copies), and its
    // instanceof checks throw when the schema was built by the other copy. Only object types have
    // fields with resolvers; introspection types are graphql's own business.
    if (type.name.startsWith('__') || !('getFields' in type)) continue;
    for (const field of Object.values(type.getFields())) {
      if ('resolve' in field && typeof field.resolve === 'function') field.resolve = traced(field.resolve);
    }
  }
  return schema;
}
