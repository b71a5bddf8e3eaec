import { Kind, parse } from 'graphql';

/**
 * The operation name to send with a query, reconciled with the query itself.
 *
 * Why: GraphiQL 4 (@graphiql/react 0.33) works out the operation name from the query editor in a
 * change handler debounced by 100 ms, but a tab switch replaces the editor's text at once. A Run
 * within those 100 ms sends the new tab's query with the previous tab's operation name, and the
 * server rightly answers `Unknown operation named "…"` — what a user clicking quickly saw.
 *
 * The name is kept when the document defines it. Otherwise, a document with exactly one operation
 * is sent with that operation's name (it is the only thing Run can mean); with several operations,
 * or a document that does not parse, the name is left as GraphiQL gave it and the server's own error
 * explains (guessing among several operations could run the wrong one).
 */
export function reconcileOperationName(
  query: string,
  operationName: string | null | undefined,
): string | undefined {
  let names: (string | undefined)[];
  try {
    names = parse(query)
      .definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION)
      .map((d) => d.name?.value);
  } catch {
    return operationName ?? undefined;
  }
  if (operationName !== null && operationName !== undefined && names.includes(operationName))
    return operationName;
  if (names.length === 1) return names[0];
  return operationName ?? undefined;
}
