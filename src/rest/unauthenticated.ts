import type { ServerResponse } from 'node:http';
import { sendProblem } from './problem.js';

/**
 * 401 for the REST routes, as `application/problem+json` like every other REST error (the GraphQL
 * endpoint keeps the GraphQL error shape). The realm tells a client which scheme to use; the detail
 * names the setting, so an operator reading it knows where the tokens come from.
 */
export function sendUnauthenticated(res: ServerResponse): void {
  sendProblem(
    res,
    {
      status: 401,
      title: 'Unauthorized',
      detail:
        'a valid bearer token is required (Authorization: Bearer <token>, one of the tokens in IMPRIMATUR_API_TOKENS)',
      code: 'UNAUTHENTICATED',
    },
    { 'www-authenticate': 'Bearer realm="imprimatur"' },
  );
}
