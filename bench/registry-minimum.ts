/**
 * The registry requests strictly needed to verify the seed — `aquasec/trivy:0.70.0`, a manifest list
 * signed once in the legacy `.sig` tag (one signature layer) and once as a cosign v3 bundle referrer —
 * on Debian's `docker-registry` 2.8, which has no referrers API. Written out by hand, not derived
 * from what the service did, so the service is measured against it rather than against itself.
 *
 * Deliberately NOT needed:
 * - `GET /v2/` (the ping). An anonymous registry answers content requests directly, and one that
 *   wants credentials says so in the 401 of the first real request; the ping only saves a round trip
 *   when auth is needed. A service that pings is one request over the minimum per registry and
 *   process, and the table shows it. (The service pinged until 2fd2034; it now sends the first real
 *   request anonymously and takes the challenge from its 401.)
 * - The four platform manifests and any config or layer blob: the signatures are over the index
 *   digest, which the tag's own manifest bytes give; nothing inside the image is read to verify it.
 * - A second fetch of the index by digest: the tag answer's bytes are the index, and their hash is
 *   the digest.
 */
export const SEED_MINIMUM_REQUESTS: readonly { readonly request: string; readonly why: string }[] = [
  {
    request: 'GET manifests/0.70.0',
    why: 'resolve the tag; its bytes are the index and their sha256 its digest',
  },
  {
    request: 'GET manifests/sha256-<hex>.sig',
    why: 'legacy signatures live in this tag (404 would mean none)',
  },
  { request: 'GET blobs/<sig layer>', why: 'the simple-signing payload the legacy signature is over' },
  {
    request: 'GET referrers/sha256:<hex>',
    why: 'the referrers API must be asked; only its 404 allows reading the tag fallback (OCI 1.1)',
  },
  {
    request: 'GET manifests/sha256-<hex>',
    why: 'the referrers fallback tag: the list of referrers (asked alongside the API, read after its 404)',
  },
  { request: 'GET manifests/<bundle referrer>', why: 'the referrer manifest: which layer holds the bundle' },
  { request: 'GET blobs/<bundle>', why: 'the Sigstore bundle itself' },
];

export const SEED_MINIMUM = SEED_MINIMUM_REQUESTS.length;
