export { Image } from './image.type.js';
export { ImageResolver } from './image.resolver.js';
