import type { RegistryClient } from '../../registry/types.js';
import { currentAnswerDependencies } from './answer-dependencies.js';

/**
 * Wraps the registry client *beneath* the cache, so it sees exactly the reads the cache could not
 * answer: an answer whose computation reached the registry is not replayed. The cache's own miss
 * reports already cover most of these; this also covers reads that never go through the cache (tag
 * listings for the opt-in hint scan) and registry clients injected by embedders.
 */
export function refusingReplayOnUpstream(registry: RegistryClient): RegistryClient {
  const upstream = () => currentAnswerDependencies()?.refuse('upstream-request');
  return {
    fetchManifest(repo, reference, options) {
      upstream();
      return registry.fetchManifest(repo, reference, options);
    },
    fetchBlob(...args) {
      upstream();
      return registry.fetchBlob(...args);
    },
    listReferrers(...args) {
      upstream();
      return registry.listReferrers(...args);
    },
    listTags(repo, options) {
      upstream();
      return registry.listTags(repo, options);
    },
  };
}
