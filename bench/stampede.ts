import { Agent, request } from 'undici';
import {
  assertVerified,
  GRAPHQL_HEADERS,
  startBenchService,
  verificationBody,
  type VerificationAnswer,
} from './service.js';
import type { BenchWorld } from './world.js';

export const STAMPEDE_QUERIES = 100;

export interface Stampede {
  /** Registry requests the whole herd caused. */
  readonly upstreamFetches: number;
  /** Queries not answered VERIFIED (e.g. a registry overwhelmed by the herd timed out). */
  readonly failedQueries: number;
  /** The first failure, to say why. */
  readonly firstFailure: string | undefined;
}

/**
 * A thundering herd: `STAMPEDE_QUERIES` identical verification queries sent at once to a service
 * that has seen nothing yet (say, just restarted behind a load balancer). Counts the registry
 * requests they caused together; with single-flight that is what one query costs.
 */
export async function measureStampede(world: BenchWorld): Promise<Stampede> {
  const service = await startBenchService(world);
  // One connection per query, so all of them really are in flight together.
  const agent = new Agent({ connections: STAMPEDE_QUERIES });
  try {
    world.proxy.reset();
    const body = verificationBody(world.seedRef);
    const outcomes = await Promise.allSettled(
      Array.from({ length: STAMPEDE_QUERIES }, async () => {
        const answer = await request(`${service.url}/graphql`, {
          method: 'POST',
          headers: GRAPHQL_HEADERS,
          body,
          dispatcher: agent,
        });
        assertVerified(world.seedRef, answer.statusCode, (await answer.body.json()) as VerificationAnswer);
      }),
    );
    const failures = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    const first: unknown = failures[0]?.reason;
    return {
      upstreamFetches: world.proxy.arrived(),
      failedQueries: failures.length,
      firstFailure: first === undefined ? undefined : first instanceof Error ? first.message : String(first),
    };
  } finally {
    await agent.close();
    await service.stop();
  }
}
