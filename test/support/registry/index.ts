export {
  startTestRegistry,
  REGISTRY_BINARY,
  type TestRegistry,
  type TestRegistryOptions,
} from './launcher.js';
export { pushBlob, pushManifest, sha256Digest, type PushTarget } from './push.js';
export * from './images.js';
export { freePort } from './free-port.js';
export { placeManifestInStorage } from './storage.js';
export { writeHtpasswd, HTPASSWD_BINARY, type HtpasswdUser } from './htpasswd.js';
export { startTokenServer, type TokenServer, type TokenServerOptions } from './token-server.js';
export { startTokenAuthRegistry, type TokenAuthRegistry } from './token-registry.js';
