import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';
import type { OperationDefinitionNode } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildImprimaturSchema } from '../graphql/index.js';
import { EXAMPLE_TABS } from './example-queries.js';

type Schema = Awaited<ReturnType<typeof buildImprimaturSchema>>;

// graphql is dual-packaged: type-graphql builds the schema with the CommonJS copy, and graphql-js
// refuses a schema from "another realm", so validation must use that same copy.
const { getVariableValues, parse, validate } = createRequire(import.meta.url)('graphql') as typeof GraphQL;

describe('the preloaded GraphiQL tabs', () => {
  let schema: Schema;
  beforeAll(async () => {
    schema = await buildImprimaturSchema();
  });

  it('cover the walkthrough: signed index, platform digest, wrong issuer, wrong identity, platform via index', () => {
    expect(EXAMPLE_TABS.map((tab) => tab.title)).toEqual([
      'VerifyIndex',
      'VerifyPlatformDigest',
      'WrongIssuer',
      'WrongIdentity',
      'PlatformViaIndex',
    ]);
  });

  // A renamed field or argument would otherwise ship a page whose first click shows an error.
  it.each(EXAMPLE_TABS.map((tab) => [tab.title, tab] as const))(
    '%s is valid against the served schema, and so are its variables',
    (_title, tab) => {
      const document = parse(tab.query);
      expect(validate(schema, document)).toEqual([]);
      const operation = document.definitions[0] as OperationDefinitionNode;
      expect(operation.name?.value).toBe(tab.title);
      const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], { ...tab.variables });
      expect(coerced.errors).toBeUndefined();
    },
  );
});
