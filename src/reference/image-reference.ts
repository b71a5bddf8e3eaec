import type { RepositoryRef } from '../registry/types.js';
import {
  DEFAULT_REGISTRY,
  DEFAULT_TAG,
  DOCKER_HUB_ALIAS,
  MAX_NAME_LENGTH,
  MAX_TAG_LENGTH,
  OFFICIAL_NAMESPACE,
  digestProblem,
  isPathComponent,
  isRegistryHost,
  isTag,
  looksLikeRegistry,
  type DigestProblem,
} from './grammar.js';
import { ReferenceError } from './reference-error.js';

/**
 * Longest input we look at at all. A valid reference is at most a 255-character name, a 128-character
 * tag and a sha512 digest; anything far beyond that is refused before any parsing work.
 */
const MAX_INPUT_LENGTH = 1024;

/** A parsed, normalised image reference, like go-containerregistry's `name.Reference`. Immutable. */
export class ImageReference implements RepositoryRef {
  /** Normalised registry host: lowercase, `docker.io` rewritten to `index.docker.io`. */
  readonly registry: string;
  /** Repository path, with `library/` added for single-component Docker Hub names. */
  readonly repository: string;
  /** The tag; `latest` only when the input had neither tag nor digest. */
  readonly tag: string | undefined;
  /** `algorithm:hex` when the input pinned a digest. */
  readonly digest: string | undefined;

  constructor(parts: {
    registry: string;
    repository: string;
    tag: string | undefined;
    digest: string | undefined;
  }) {
    this.registry = parts.registry;
    this.repository = parts.repository;
    this.tag = parts.tag;
    this.digest = parts.digest;
    Object.freeze(this);
  }

  /** What to ask the registry for: the digest when present (it pins content), otherwise the tag. */
  get identifier(): string {
    // The parser guarantees at least one of the two; the fallback only keeps the type honest.
    return this.digest ?? this.tag ?? DEFAULT_TAG;
  }

  /** `registry/repository`, the name without tag or digest. */
  get name(): string {
    return `${this.registry}/${this.repository}`;
  }

  /** The repository alone, in the shape the registry client takes. */
  get repositoryRef(): RepositoryRef {
    return { registry: this.registry, repository: this.repository };
  }

  /** The same repository pinned to `digest` (any tag is dropped: the digest is what was resolved). */
  withDigest(digest: string): ImageReference {
    return parseReference(`${this.name}@${digest}`);
  }

  /** Canonical form: `registry/repository[:tag][@digest]`; parsing it gives an equal reference. */
  toString(): string {
    const tag = this.tag === undefined ? '' : `:${this.tag}`;
    const digest = this.digest === undefined ? '' : `@${this.digest}`;
    return `${this.name}${tag}${digest}`;
  }
}

const DIGEST_PROBLEMS: Readonly<Record<DigestProblem, string>> = {
  'missing-separator': 'digest must be algorithm:hex',
  'bad-algorithm': 'digest algorithm is malformed',
  'unsupported-algorithm': 'digest algorithm is not supported (use sha256 or sha512)',
  'bad-encoding': 'digest must be lowercase hex of the algorithm’s length (64 for sha256, 128 for sha512)',
};

/** Splits `name[:tag]` at the tag colon: the last `:` that comes after the last `/` (earlier ones are ports). */
function splitTag(nameAndTag: string): { name: string; tag: string | undefined } {
  const colon = nameAndTag.lastIndexOf(':');
  if (colon < 0 || colon < nameAndTag.lastIndexOf('/')) return { name: nameAndTag, tag: undefined };
  return { name: nameAndTag.slice(0, colon), tag: nameAndTag.slice(colon + 1) };
}

function parseRepository(path: string, input: string): string {
  const components = path.split('/');
  for (const component of components) {
    if (component === '') throw new ReferenceError('repository name has an empty path component', input);
    if (component !== component.toLowerCase()) {
      throw new ReferenceError('repository name must be lowercase', input);
    }
    if (!isPathComponent(component)) {
      throw new ReferenceError(
        'repository name may only contain a-z, 0-9 and single separators (".", "_", "__", "-") between them',
        input,
      );
    }
  }
  return path;
}

/**
 * Parses an image reference the way `docker pull` and go-containerregistry read it: `alpine` is
 * `index.docker.io/library/alpine:latest`; a first component with `.` or `:`, or `localhost`, is a
 * registry; a digest is kept as given and no default tag is added next to it.
 *
 * The input is untrusted (it comes straight from API callers): it is length-capped first and every
 * failure is a {@link ReferenceError} naming the problem; nothing else is ever thrown.
 */
export function parseReference(input: string): ImageReference {
  if (typeof input !== 'string' || input === '') throw new ReferenceError('image reference is empty', '');
  if (input.length > MAX_INPUT_LENGTH) {
    throw new ReferenceError(`image reference is longer than ${MAX_INPUT_LENGTH} characters`, input);
  }
  if (/\s/.test(input)) throw new ReferenceError('image reference must not contain whitespace', input);

  const at = input.indexOf('@');
  let digest: string | undefined;
  let rest = input;
  if (at >= 0) {
    digest = input.slice(at + 1);
    rest = input.slice(0, at);
    if (digest.includes('@')) throw new ReferenceError('image reference has more than one "@"', input);
    const problem = digestProblem(digest);
    if (problem !== undefined) throw new ReferenceError(DIGEST_PROBLEMS[problem], input);
  }

  const { name, tag } = splitTag(rest);
  if (tag !== undefined) {
    if (tag === '') throw new ReferenceError('tag is empty', input);
    if (tag.length > MAX_TAG_LENGTH)
      throw new ReferenceError(`tag is longer than ${MAX_TAG_LENGTH} characters`, input);
    if (!isTag(tag)) {
      throw new ReferenceError(
        'tag may only contain A-Z, a-z, 0-9, "_", "." and "-" and must not start with "." or "-"',
        input,
      );
    }
  }
  if (name === '') throw new ReferenceError('repository name is empty', input);

  const slash = name.indexOf('/');
  const first = slash < 0 ? name : name.slice(0, slash);
  let registry = DEFAULT_REGISTRY;
  let path = name;
  if (slash >= 0 && looksLikeRegistry(first)) {
    if (!isRegistryHost(first)) throw new ReferenceError('registry must be host[:port]', input);
    // Host names are case-insensitive; one spelling keeps cache keys and policy matches stable.
    registry = first.toLowerCase();
    if (registry === DOCKER_HUB_ALIAS) registry = DEFAULT_REGISTRY;
    path = name.slice(slash + 1);
  }
  let repository = parseRepository(path, input);
  if (registry === DEFAULT_REGISTRY && !repository.includes('/'))
    repository = `${OFFICIAL_NAMESPACE}/${repository}`;
  if (registry.length + 1 + repository.length > MAX_NAME_LENGTH) {
    throw new ReferenceError(
      `image name (registry/repository) is longer than ${MAX_NAME_LENGTH} characters`,
      input,
    );
  }

  return new ImageReference({
    registry,
    repository,
    tag: tag ?? (digest === undefined ? DEFAULT_TAG : undefined),
    digest,
  });
}
