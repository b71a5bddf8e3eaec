import type { ServerResponse } from 'node:http';
import { BADGE_LABELS, BADGE_LOOKS, badgeSvg, type BadgeLabel } from './badge-svg.js';
import { invalidParam } from './problem.js';
import type { RequestServices } from './services.js';
import { parseVerifyRequest } from './verify-request.js';
import { runVerification } from './verify-route.js';

/** Longest `policy` parameter read: a policy is a few flags; anything longer is not one. */
const MAX_POLICY_PARAM_CHARS = 16 * 1024;

/**
 * `GET /v1/badge?image=…&policy=…[&platform=…][&label=signature]`: the verdict of `POST /v1/verify`
 * for the same image and policy, drawn as an SVG status badge for READMEs and portals. `policy` is
 * the same JSON object `/v1/verify` takes (URL-encoded), checked the same way, so a badge can never
 * claim more than the verify answer would; the verdict comes from the same verdict cache.
 *
 * Input mistakes and registry trouble are problem+json like every REST error: a badge that said
 * "unsigned" because the registry was down would be a false statement.
 */
export async function handleBadge(
  res: ServerResponse,
  services: RequestServices,
  search: URLSearchParams,
  method: string,
): Promise<void> {
  for (const key of search.keys()) {
    if (!['image', 'policy', 'platform', 'label'].includes(key)) throw invalidParam(key, 'unknown parameter');
  }
  const label = search.get('label') ?? 'imprimatur';
  if (!(BADGE_LABELS as readonly string[]).includes(label)) {
    throw invalidParam('label', `must be one of ${BADGE_LABELS.join(', ')}`);
  }
  const rawPolicy = search.get('policy');
  if (rawPolicy === null || rawPolicy === '') {
    throw invalidParam('policy', 'required: the /v1/verify policy object as JSON');
  }
  if (rawPolicy.length > MAX_POLICY_PARAM_CHARS) {
    throw invalidParam('policy', `longer than ${MAX_POLICY_PARAM_CHARS} characters`);
  }
  let policy: unknown;
  try {
    policy = JSON.parse(rawPolicy);
  } catch {
    throw invalidParam('policy', 'is not JSON: pass the /v1/verify policy object, URL-encoded');
  }
  const request = parseVerifyRequest({
    image: search.get('image') ?? undefined,
    policy,
    ...(search.has('platform') ? { platform: search.get('platform') } : {}),
  });
  const { ref, outcome } = await runVerification(services, request);
  const look = BADGE_LOOKS[outcome.status];
  const svg = badgeSvg(
    label as BadgeLabel,
    look.message,
    look.color,
    `${label}: ${look.message} (${ref.toString()})`,
  );
  res.writeHead(200, {
    'content-type': 'image/svg+xml; charset=utf-8',
    'content-length': Buffer.byteLength(svg),
    // Revalidate every time: the verdict behind it lives seconds (IMPRIMATUR_CACHE_VERIFICATION_TTL_SECONDS).
    'cache-control': 'no-cache',
    // Nothing in the SVG runs or loads anything; should it ever be opened as a document, it still can't.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  });
  res.end(method === 'HEAD' ? undefined : svg);
}
