import { GraphQLError, type ASTVisitor, type ValidationContext, type ValidationRule } from 'graphql';

/**
 * What a caller reads when introspection is off: the setting that turns it on, in our words. Apollo's
 * own refusal ("pass introspection: true to ApolloServer") names a constructor option an operator of
 * this service cannot reach.
 */
export const INTROSPECTION_OFF_MESSAGE =
  'introspection is turned off on this service (IMPRIMATUR_GRAPHIQL=false turns off the GraphiQL page and ' +
  'introspection together); the schema is published as schema/schema.graphql';

/**
 * Refuses `__schema` and `__type` anywhere in a document, as graphql-js's NoSchemaIntrospection rule
 * does (`__typename` stays allowed: clients rely on it and it reveals nothing beyond the type they asked
 * for), with {@link INTROSPECTION_OFF_MESSAGE}.
 */
export const introspectionOffRule: ValidationRule = (context: ValidationContext): ASTVisitor => ({
  Field(node) {
    if (node.name.value === '__schema' || node.name.value === '__type') {
      context.reportError(new GraphQLError(INTROSPECTION_OFF_MESSAGE, { nodes: [node] }));
    }
  },
});
