export { ImageReference, parseReference } from './image-reference.js';
export { ReferenceError } from './reference-error.js';
export { DEFAULT_REGISTRY, DEFAULT_TAG } from './grammar.js';
export { parsePlatform, platformMatches, formatPlatform, type PlatformSpecifier } from './platform.js';
