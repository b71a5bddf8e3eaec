export { ImageService, type ImageServiceOptions } from './image-service.js';
export { MAX_REFERENCES_PER_REQUEST, RequestLimitError, type RequestLimitCode } from './request-limits.js';
export { describeView, indexedPlatform } from './image-views.js';
export type {
  ManifestListView,
  PlatformManifestView,
  IndexEntryView,
  TopLevelManifestView,
} from './image-views.js';
