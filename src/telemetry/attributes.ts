/**
 * Span attribute names. Standard OpenTelemetry names where one exists (HTTP, server, GraphQL);
 * `imprimatur.*` for what only this service knows. Every value recorded under these names is
 * chosen so that no credential, token, password or presigned query string can reach a span:
 * registry URLs are reduced to host, port, scheme and a route template before they are recorded.
 */
export const Attr = {
  HTTP_METHOD: 'http.request.method',
  HTTP_STATUS: 'http.response.status_code',
  HTTP_ROUTE: 'http.route',
  HTTP_RESEND_COUNT: 'http.request.resend_count',
  URL_SCHEME: 'url.scheme',
  URL_TEMPLATE: 'url.template',
  SERVER_ADDRESS: 'server.address',
  SERVER_PORT: 'server.port',
  ERROR_TYPE: 'error.type',

  GRAPHQL_OPERATION_TYPE: 'graphql.operation.type',
  GRAPHQL_OPERATION_NAME: 'graphql.operation.name',
  GRAPHQL_FIELD_NAME: 'graphql.field.name',
  GRAPHQL_FIELD_PATH: 'graphql.field.path',
  GRAPHQL_PARENT_TYPE: 'graphql.field.parent_type',

  REGISTRY_REPOSITORY: 'imprimatur.registry.repository',
  REGISTRY_OPERATION: 'imprimatur.registry.operation',
  REGISTRY_HOST: 'imprimatur.registry.host',
  DIGEST: 'imprimatur.digest',
  VERIFICATION_STATUS: 'imprimatur.verification.status',
  VERIFICATION_FORMATS: 'imprimatur.verification.formats',
  SIGNATURE_COUNT: 'imprimatur.verification.signature_count',
  CACHE_NAMESPACE: 'imprimatur.cache.namespace',
  CACHE_HIT: 'imprimatur.cache.hit',
  GRAPHQL_REPLAYED: 'imprimatur.graphql.replayed',
} as const;
