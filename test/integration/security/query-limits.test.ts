import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUERY_LIMITS } from '../../../src/security/index.js';
import { startTestService, type TestService } from '../../support/service.js';

/** The document-shape limits and the request caps, against the real HTTP server. No registry is needed: all refused before any I/O. */
describe('inbound query limits', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService({ insecureRegistries: [] });
  });
  afterAll(async () => service?.stop());

  const codes = (reply: { errors?: readonly { extensions?: { code?: string } }[] | undefined }) =>
    (reply.errors ?? []).map((e) => e.extensions?.code);

  // Certificate.chain is the schema's one recursion: the way to nest a real query without end.
  const chained = (levels: number) => {
    let selection = 'issuer';
    for (let i = 0; i < levels; i++) selection = `chain { ${selection} }`;
    return `{ image(ref: "127.0.0.1:9/a/b:v1") { signatures { certificate { ${selection} } } } }`;
  };

  it('refuses a query nested deeper than the limit with QUERY_TOO_DEEP and HTTP 400', async () => {
    const reply = await service.graphql(chained(DEFAULT_QUERY_LIMITS.maxDepth - 3));
    expect(reply.status).toBe(400);
    expect(codes(reply)).toEqual(['QUERY_TOO_DEEP']);
    expect(reply.data).toBeUndefined();
  });

  it('lets a query exactly as deep as the limit through validation', async () => {
    // It then fails on the unreachable registry: what matters is that it ran.
    const reply = await service.graphql(chained(DEFAULT_QUERY_LIMITS.maxDepth - 4));
    expect(codes(reply)).not.toContain('QUERY_TOO_DEEP');
    expect(reply.status).toBe(200);
  });

  it('accepts the standard introspection query GraphiQL sends, though it nests 15 levels', async () => {
    const reply = await service.graphql(
      getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }),
    );
    expect(reply.errors).toBeUndefined();
    expect(reply.status).toBe(200);
  });

  it("leaves introspection's own recursion to graphql-js's introspection depth rule", async () => {
    const reply = await service.graphql(
      `{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }`,
    );
    expect(reply.status).toBe(400);
    expect(codes(reply)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('refuses more aliases than the limit with TOO_MANY_ALIASES, counting those behind fragments', async () => {
    const half = Math.ceil((DEFAULT_QUERY_LIMITS.maxAliases + 1) / 2);
    const aliases = (prefix: string) =>
      Array.from({ length: half }, (_, i) => `${prefix}${i}: __typename`).join(' ');
    const reply = await service.graphql(`{ ${aliases('a')} ...F } fragment F on Query { ${aliases('b')} }`);
    expect(reply.status).toBe(400);
    expect(codes(reply)).toEqual(['TOO_MANY_ALIASES']);
    expect(reply.errors?.[0]?.message).toContain(`limit is ${DEFAULT_QUERY_LIMITS.maxAliases}`);
  });

  it('refuses a fragment bomb with QUERY_TOO_COMPLEX, measured without expanding it', async () => {
    // F40 expands to 2^40 selections; the document itself is 41 short lines.
    const fragments = Array.from(
      { length: 40 },
      (_, i) => `fragment F${i + 1} on Query { ...F${i} ...F${i} }`,
    );
    const started = Date.now();
    const reply = await service.graphql(
      `{ ...F40 } fragment F0 on Query { __typename } ${fragments.join(' ')}`,
    );
    expect(reply.status).toBe(400);
    expect(codes(reply)).toContain('QUERY_TOO_COMPLEX');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('stops parsing a document over the token limit with TOO_MANY_TOKENS', async () => {
    const reply = await service.graphql(`{ ${'__typename '.repeat(DEFAULT_QUERY_LIMITS.maxTokens)} }`);
    expect(reply.status).toBe(400);
    expect(codes(reply)).toEqual(['TOO_MANY_TOKENS']);
  });

  it('keeps the generic code for an ordinary syntax error', async () => {
    const reply = await service.graphql(`{ image(ref: }`);
    expect(codes(reply)).toEqual(['GRAPHQL_PARSE_FAILED']);
  });

  it('still caps images(refs) at 100 references with TOO_MANY_REFERENCES', async () => {
    const refs = Array.from({ length: 101 }, (_, n) => `127.0.0.1:9/cap/r${n}:v1`);
    const reply = await service.graphql(`query($refs: [String!]!) { images(refs: $refs) { digest } }`, {
      refs,
    });
    expect(codes(reply)).toEqual(['TOO_MANY_REFERENCES']);
  });

  it('still refuses a body over 1 MiB with 413 before parsing it', async () => {
    const res = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }', padding: 'x'.repeat(1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
  });
});
