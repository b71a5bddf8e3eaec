import { LruMap } from '../../collections/lru-map.js';

/**
 * How many registries' answers are remembered. Any reference names a registry, so without a bound a
 * caller could grow this map without limit; forgetting one only costs one extra request there.
 */
const MAX_REGISTRIES = 1024;

/**
 * What each registry last said about the referrers API, so that the tag-schema fallback is fetched
 * ahead (alongside the API request) only where it is likely to be needed.
 *
 * Why fetch it ahead at all: on a registry without the API (distribution 2.x, and many hosted ones),
 * finding a bundle takes API → 404 → fallback tag → referrer manifest → bundle blob, and the 404 is a
 * whole round trip on the critical path of every cold verification. Asking for the fallback tag at the
 * same time saves that round trip. Its answer is only *used* after the API said 404, exactly as if it
 * had been asked afterwards, so what this remembers only ever changes timing and request count, never
 * a result: a wrong guess costs one wasted request (API present) or one round trip (API absent).
 */
export class ReferrersSupport {
  private readonly answers = new LruMap<string, boolean>({ maxEntries: MAX_REGISTRIES });

  /**
   * Whether to fetch the fallback tag alongside the API request: unless this registry's API answered
   * last time. A registry not seen yet gets both, since most registries in use today lack the API.
   */
  fetchFallbackAhead(registry: string): boolean {
    return this.answers.get(registry) !== true;
  }

  /** Records whether `registry`'s referrers API answered (true) or said 404 (false). */
  record(registry: string, hasApi: boolean): void {
    this.answers.set(registry, hasApi);
  }
}
