export { createApollo, type ApolloOptions } from './apollo.js';
export { createContext, type ContextDependencies, type GraphQLContext } from './context.js';
export { ErrorCode, createFormatError, GENERIC_MESSAGE, type ErrorLogger } from './errors.js';
export { createGraphQLHandler, sendJsonError } from './http/graphql-handler.js';
export { MAX_REQUEST_BODY_BYTES } from './http/read-body.js';
export { buildImprimaturSchema } from './schema.js';
export {
  currentAnswerDependencies,
  refusingReplayOnUpstream,
  ResponseCache,
  type ResponseCacheOptions,
} from './response-cache/index.js';
