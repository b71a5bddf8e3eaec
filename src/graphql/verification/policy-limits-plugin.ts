import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { conditionPatterns } from '../../attestations/conditions/index.js';
import {
  checkPolicyLimits,
  checkRegexpSizeTotal,
  estimateRegexpSize,
  policyRegexps,
} from '../../verification/index.js';

/**
 * graphql's CommonJS build, the one type-graphql builds the schema with and Apollo runs: an ESM
 * `import` here would load a second copy, whose `instanceof` checks reject that schema's types
 * ("Cannot use GraphQLObjectType from another module or realm").
 */
const { getNamedType, GraphQLError, TypeInfo, valueFromAST, visit, visitWithTypeInfo } = createRequire(
  import.meta.url,
)('graphql') as typeof GraphQL;

/** The GraphQL input type every verification field takes its policy as. */
const POLICY_INPUT = 'PolicyInput';
/** The CEL conditions argument of `attestationVerification`, whose patterns count too. */
const CONDITIONS = 'conditions';
const CONDITIONS_FIELD = 'attestationVerification';

/**
 * Checks the size of every policy in the operation (literals and variables alike) before any field
 * runs, so an oversized policy costs no registry request, not even the fetch of the index whose
 * entries a nested `verification` would have checked. A field validates its own policy again when it
 * runs (meaning, regexp syntax, the key): only the size caps are hoisted here, because they need no
 * context and must hold before anything else is done with the policy.
 *
 * The `matches()` patterns of `attestationVerification`'s CEL conditions count towards the same
 * regexp total: each field would compile them (and check each one's own caps) when it runs.
 *
 * An oversized policy fails the whole request with HTTP 400 and `INVALID_POLICY`, like a query over
 * a document limit: nothing ran, so there is no partial answer to give.
 */
export function createPolicyLimitsPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, schema, request }) {
          checkPoliciesOf(document, schema, request.variables ?? {});
        },
      };
    },
  };
}

/** Throws a 400 `INVALID_POLICY` GraphQLError (carrying the PolicyError) for the first policy over a cap. */
export function checkPoliciesOf(
  document: DocumentNode,
  schema: GraphQLSchema,
  variables: Readonly<Record<string, unknown>>,
): void {
  const typeInfo = new TypeInfo(schema);
  // Compiled regexps are memoised by source, so what an operation can make the service compile is
  // its distinct patterns: counted once each, however many fields or list items repeat them.
  const patterns = new Set<string>();
  let regexpSize = 0;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument(node) {
        const argument = typeInfo.getArgument();
        if (argument === null || argument === undefined) return;
        const isConditions =
          argument.name === CONDITIONS && typeInfo.getFieldDef()?.name === CONDITIONS_FIELD;
        if (getNamedType(argument.type).name !== POLICY_INPUT && !isConditions) return;
        // Coercion problems are the validator's and executor's to report; only sizes are judged here.
        const value = valueFromAST(node.value, argument.type, variables as Record<string, unknown>);
        if (typeof value !== 'object' || value === null) return;
        try {
          // A CEL condition's matches() patterns are compiled with the same engine and memo as the
          // policy's regexps (src/attestations/conditions), so they count towards the same total.
          if (!isConditions) checkPolicyLimits(value);
          const regexps = isConditions
            ? conditionPatterns(Array.isArray(value) ? value : [])
            : policyRegexps(value);
          for (const pattern of regexps) {
            if (patterns.has(pattern)) continue;
            patterns.add(pattern);
            regexpSize += estimateRegexpSize(pattern);
          }
          checkRegexpSizeTotal(regexpSize, 'the regular expressions of the policies in this operation');
        } catch (error) {
          throw new GraphQLError((error as Error).message, {
            nodes: [node],
            originalError: error as Error,
            extensions: { http: { status: 400 } },
          });
        }
      },
    }),
  );
}
