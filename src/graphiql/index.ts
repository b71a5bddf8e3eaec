/** The GraphiQL page: served from a bundle built at `npm run build`, never from a CDN. */
export { createGraphiQLHandler, type GraphiQLHandlerOptions } from './graphiql-handler.js';
export { DEFAULT_ASSETS_DIR, GraphiQLAssetsError } from './assets.js';
export { ASSET_PREFIX, CONTENT_SECURITY_POLICY, EXAMPLES_FILE } from './page.js';
export {
  EXAMPLE_TABS,
  exampleTabs,
  WALKTHROUGH_WORLD,
  type ExampleTab,
  type ExampleWorld,
} from './example-queries.js';
export { reconcileOperationName } from './operation-name.js';
export { GRAPHIQL_OFF_HTML, sendGraphiQLOff } from './graphiql-off.js';
