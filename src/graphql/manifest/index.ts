export { Annotation } from './annotation.type.js';
export { ManifestList } from './manifest-list.type.js';
export { Platform } from './platform.type.js';
export { PlatformManifest } from './platform-manifest.type.js';
export { PlatformManifestResolver } from './platform-manifest.resolver.js';
