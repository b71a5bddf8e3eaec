import { FULCIO_CLAIMS } from '../verification/index.js';
import type { Policy } from '../verification/types.js';
import { invalidParam } from './problem.js';

/** `POST /v1/verify` input, checked field by field. */
export interface VerifyRequest {
  readonly image: string;
  /**
   * Verify this platform's manifest, reached through the index `image` names (GraphQL's
   * `image.platform(p).verification`): an unsigned platform manifest of a signed index is then
   * VERIFIED_VIA_INDEX, which verifying its digest alone can never be.
   */
  readonly platform: string | undefined;
  readonly policy: Policy;
  /**
   * GraphQL's `findSignedIndex`: when the digest is UNSIGNED and no signed index listing it is known,
   * scan up to `IMPRIMATUR_HINT_SCAN_MAX_TAGS` tags for one and name it in `hint`. Default false.
   */
  readonly findSignedIndex: boolean;
}

/** The policy fields that are strings: the flags of `cosign verify`, as GraphQL's PolicyInput names them. */
const STRING_FIELDS = [
  'certificateIdentity',
  'certificateIdentityRegexp',
  'certificateOidcIssuer',
  'certificateOidcIssuerRegexp',
  'githubWorkflowRepository',
  'githubWorkflowRef',
  'githubWorkflowTrigger',
  'githubWorkflowSha',
  'githubWorkflowName',
  'key',
  // Fulcio's provenance claims, exact and (where there is one) regexp, and the gh flags.
  ...FULCIO_CLAIMS.map((c) => c.field),
  ...FULCIO_CLAIMS.filter((c) => c.regexp).map((c) => `${c.field}Regexp`),
  'owner',
  'repo',
  'signerRepo',
  'signerWorkflow',
  'sourceRef',
  'sourceDigest',
  'signerDigest',
] as const;
const BOOLEAN_FIELDS = ['ignoreTlog', 'ignoreSct', 'denySelfHostedRunners'] as const;
const TOP_LEVEL_FIELDS: ReadonlySet<string> = new Set(['image', 'policy', 'platform', 'findSignedIndex']);
const KNOWN_FIELDS: ReadonlySet<string> = new Set<string>([
  ...STRING_FIELDS,
  ...BOOLEAN_FIELDS,
  'annotations',
  'trustRoot',
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks the shape of a verify request and names the first wrong field. Unknown fields are refused,
 * not ignored: a misspelt `certificateOidcIsuer` silently dropped would verify under a weaker policy
 * than the caller wrote. Whether the policy makes sense (identity and issuer present, regexps
 * compile) is the verification module's `validatePolicy`, run next, the same as for GraphQL.
 */
export function parseVerifyRequest(body: unknown): VerifyRequest {
  if (!isObject(body)) throw invalidParam('body', 'must be a JSON object with "image" and "policy"');
  for (const key of Object.keys(body)) {
    if (!TOP_LEVEL_FIELDS.has(key)) throw invalidParam(key, 'unknown field');
  }
  const { image, policy, platform, findSignedIndex } = body;
  if (typeof image !== 'string' || image === '') throw invalidParam('image', 'required: an image reference');
  if (platform !== undefined && platform !== null && (typeof platform !== 'string' || platform === '')) {
    throw invalidParam('platform', 'must be a platform such as "linux/arm64"');
  }
  if (findSignedIndex !== undefined && findSignedIndex !== null && typeof findSignedIndex !== 'boolean') {
    throw invalidParam('findSignedIndex', 'must be a boolean');
  }
  if (!isObject(policy)) throw invalidParam('policy', 'required: an object of cosign verify flags');
  return {
    image,
    platform: platform ?? undefined,
    policy: parsePolicy(policy),
    findSignedIndex: findSignedIndex === true,
  };
}

function parsePolicy(input: Record<string, unknown>): Policy {
  const policy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (!KNOWN_FIELDS.has(key)) throw invalidParam(`policy.${key}`, 'unknown field');
    // null means "not set", as in the GraphQL input.
    if (value === null) continue;
    if ((STRING_FIELDS as readonly string[]).includes(key)) {
      if (typeof value !== 'string') throw invalidParam(`policy.${key}`, 'must be a string');
    } else if ((BOOLEAN_FIELDS as readonly string[]).includes(key)) {
      if (typeof value !== 'boolean') throw invalidParam(`policy.${key}`, 'must be a boolean');
    }
    policy[key] =
      key === 'annotations' ? parseAnnotations(value) : key === 'trustRoot' ? parseTrustRoot(value) : value;
  }
  return policy as Policy;
}

/** One name or a list of names, as GraphQL coerces a single value into a list. */
function parseTrustRoot(value: unknown): readonly string[] {
  const names = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(names) || names.some((name) => typeof name !== 'string')) {
    throw invalidParam('policy.trustRoot', 'must be a trust root name or a list of names');
  }
  return names as string[];
}

function parseAnnotations(value: unknown): Policy['annotations'] {
  if (!Array.isArray(value)) throw invalidParam('policy.annotations', 'must be an array of {key, value}');
  return value.map((entry: unknown, n) => {
    const name = `policy.annotations[${n}]`;
    if (!isObject(entry)) throw invalidParam(name, 'must be an object {key, value}');
    for (const key of Object.keys(entry)) {
      if (key !== 'key' && key !== 'value') throw invalidParam(`${name}.${key}`, 'unknown field');
    }
    if (typeof entry.key !== 'string') throw invalidParam(`${name}.key`, 'must be a string');
    if (typeof entry.value !== 'string') throw invalidParam(`${name}.value`, 'must be a string');
    return { key: entry.key, value: entry.value };
  });
}
