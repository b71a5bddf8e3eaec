export {
  ImageService,
  RequestLimitError,
  MAX_REFERENCES_PER_REQUEST,
  type ImageServiceOptions,
} from './image-service.js';
export { describeView, indexedPlatform } from './image-views.js';
export type {
  ManifestListView,
  PlatformManifestView,
  IndexEntryView,
  TopLevelManifestView,
} from './image-views.js';
