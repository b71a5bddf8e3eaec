/**
 * The one error shape the service throws internally (after sigstore-js's `BaseError<TCode>`).
 *
 * Every module defines its own string-literal code union and a subclass; the GraphQL and REST edges
 * map codes to responses in exactly one place each. `cause` keeps the underlying error for logs and
 * traces but is never rendered to callers: it may hold addresses or library internals.
 */
export class ImprimaturError<TCode extends string = string> extends Error {
  readonly code: TCode;

  constructor(code: TCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Thrown by exhaustive `switch` statements when a discriminated union gains a member nobody handled. */
export class UnreachableCaseError extends Error {
  constructor(value: never) {
    super(`unreachable case: ${JSON.stringify(value)}`);
    this.name = 'UnreachableCaseError';
  }
}
