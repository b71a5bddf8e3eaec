import { setImmediate as nextTurn } from 'node:timers/promises';

/** List items completed per event-loop turn; an index of this many entries or fewer is not split. */
export const LIST_ITEMS_PER_TURN = 100;

/**
 * `items` for a GraphQL list field, the first {@link LIST_ITEMS_PER_TURN} as they are and each further
 * batch as promises that settle one event-loop turn after the batch before. graphql-js completes a
 * list's items — and calls their fields' resolvers — in one synchronous pass; for an index of 3000
 * entries each asked for its `verification`, that pass alone kept the process from answering anyone
 * (`/healthz` included) for seconds on a busy machine. Promise items are completed when they settle,
 * so the work is cut into turns with other requests' I/O in between. The order of the list is kept.
 */
export function listInTurns<T>(items: readonly T[]): (T | Promise<T>)[] {
  const out: (T | Promise<T>)[] = items.slice(0, LIST_ITEMS_PER_TURN);
  let turn: Promise<unknown> = Promise.resolve();
  for (let start = LIST_ITEMS_PER_TURN; start < items.length; start += LIST_ITEMS_PER_TURN) {
    turn = turn.then(() => nextTurn());
    const ready = turn;
    for (const item of items.slice(start, start + LIST_ITEMS_PER_TURN)) out.push(ready.then(() => item));
  }
  return out;
}
