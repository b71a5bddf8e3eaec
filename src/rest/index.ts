/** The REST facade over the same services as GraphQL; described by openapi/openapi.yaml. */
export { createRestRoutes, restRouteLabel, REST_PATHS, type RestRoutesOptions } from './rest-routes.js';
export { cacheCheck, trustRootCheck, trustRootsCheck, type ReadinessCheck } from './readiness.js';
export type { RequestServices, RequestServicesFactory } from './services.js';
export { OPENAPI_PATH } from './openapi-document.js';
export { sendUnauthenticated } from './unauthenticated.js';
