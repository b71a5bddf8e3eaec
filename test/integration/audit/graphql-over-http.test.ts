import { serverAudits, type AuditResult } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../support/service.js';

/**
 * The GraphQL-over-HTTP conformance audits of `graphql-http` (the reference implementation of the
 * spec) against the real service on a random loopback port, configured as it ships (GraphiQL on,
 * no caller tokens). Every MUST audit is its own test so a failure names the audit; SHOULD and MAY
 * audits are run too and their failures printed, without failing the suite: they are advice.
 *
 * The audits only need `{ __typename }` and malformed requests, so the service is given no registry.
 */
let service: TestService | undefined;
const endpoint = (): string => {
  if (service === undefined) throw new Error('service not started');
  return `${service.url}/graphql`;
};

// Audits are listed at collection time (the URL is read lazily, once the service is up).
const audits = serverAudits({ url: endpoint });
const mustAudits = audits.filter((audit) => audit.name.startsWith('MUST'));
const adviceAudits = audits.filter((audit) => !audit.name.startsWith('MUST'));

/** One line per failed audit: what the audit wanted and what the service answered. */
async function describeFailure(result: AuditResult): Promise<string> {
  if (result.status === 'ok') return `${result.id} ok`;
  let body = '';
  try {
    body = (await result.response.clone().text()).slice(0, 300);
  } catch {
    body = '<body already read>';
  }
  return `${result.name} [${result.id}]: ${result.reason} (HTTP ${result.response.status} ${body})`;
}

describe('the GraphQL over HTTP audits of graphql-http, against the live endpoint', () => {
  beforeAll(async () => {
    service = await startTestService({ insecureRegistries: [] });
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('finds MUST audits to run (an empty list would pass vacuously)', () => {
    expect(mustAudits.length).toBeGreaterThan(10);
  });

  describe.each(mustAudits.map((audit) => [audit.name, audit] as const))('%s', (_name, audit) => {
    it('passes', async () => {
      const result = await audit.fn();
      expect(result.status, await describeFailure(result)).toBe('ok');
    });
  });

  it('reports every SHOULD and MAY audit it does not pass, without failing on them', async () => {
    const failures: string[] = [];
    for (const audit of adviceAudits) {
      const result = await audit.fn();
      if (result.status !== 'ok') failures.push(await describeFailure(result));
    }
    // Printed for whoever reads the run; the assertion only checks that every audit was attempted.
    console.info(
      failures.length === 0
        ? `all ${adviceAudits.length} SHOULD/MAY audits pass`
        : `${failures.length} of ${adviceAudits.length} SHOULD/MAY audits not passed:\n  ${failures.join('\n  ')}`,
    );
    expect(failures.length).toBeLessThanOrEqual(adviceAudits.length);
    expect(adviceAudits.length).toBeGreaterThan(0);
  });
});
