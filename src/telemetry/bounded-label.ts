import { redactSecrets } from '../security/index.js';

/**
 * A metric label whose values come from outside (registry hosts named in callers' references):
 * every distinct value is a new time series, so a caller querying images on thousands of made-up
 * hosts could grow the metrics endpoint without bound. The first `limit` values are kept as they
 * are; later ones are counted under `other`.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(private readonly limit: number) {}

  value(label: string): string {
    // A host a registry redirected us to is its choice of text: never one of our secrets.
    const raw = redactSecrets(label);
    if (this.seen.has(raw)) return raw;
    if (this.seen.size >= this.limit) return BoundedLabel.OTHER;
    this.seen.add(raw);
    return raw;
  }

  static readonly OTHER = 'other';
}
