/**
 * A typed view of SLSA provenance (https://slsa.dev/provenance/v0.2 and /v1): the facts a portal
 * shows — who built it, how, from which source — read defensively from an untrusted, already
 * size-capped statement. A field that is missing, not a string or longer than
 * {@link MAX_PROVENANCE_FIELD_LENGTH} is undefined; nothing here throws on a malformed predicate.
 *
 * Read against what real builders write, not only the spec's spelling (see
 * test/conformance/attestation-provenance-real.test.ts): GitHub's workflow build type, BuildKit
 * (`invocationID` / `buildInvocationID`, Git sources as `<repo>#<ref>` in `configSource`, base
 * images first in `resolvedDependencies`) and slsa-github-generator (`buildInvocationID`).
 */
import { at, isRecord, stringUpTo } from './untrusted-fields.js';

export const SLSA_PROVENANCE_V02 = 'https://slsa.dev/provenance/v0.2';
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';

/** Longest string a view field carries (URIs and refs are short; anything longer is not shown). */
export const MAX_PROVENANCE_FIELD_LENGTH = 2048;

export interface SlsaProvenance {
  /** `v0.2` or `v1`: which schema the fields were read with. */
  readonly slsaVersion: 'v0.2' | 'v1';
  readonly builderId: string | undefined;
  readonly buildType: string | undefined;
  /** Source repository URI, without a `git+` prefix or `@ref` suffix. */
  readonly sourceRepository: string | undefined;
  readonly sourceRef: string | undefined;
  /** The source commit (`gitCommit`, else `sha1`) of the resolved source. */
  readonly sourceDigest: string | undefined;
  /** The workflow / entry point that ran (GitHub: the workflow file path). */
  readonly workflow: string | undefined;
  /** What triggered the build (GitHub: `event_name`). */
  readonly trigger: string | undefined;
  readonly invocationId: string | undefined;
  readonly startedOn: string | undefined;
  readonly finishedOn: string | undefined;
}

/** Most `resolvedDependencies` looked at while finding the source (it is first in real documents). */
const MAX_DEPENDENCIES_SEARCHED = 64;

/**
 * The provenance view of a statement, or undefined when it is not SLSA provenance v0.2 or v1, or its
 * predicate is not one: not an object, or without the object the version requires
 * (`buildDefinition` in v1, `builder` in v0.2).
 */
export function slsaProvenanceOf(statement: unknown): SlsaProvenance | undefined {
  const type = str(at(statement, 'predicateType'));
  const predicate = at(statement, 'predicate');
  if (type === SLSA_PROVENANCE_V1)
    return isRecord(at(predicate, 'buildDefinition')) ? v1(predicate) : undefined;
  if (type === SLSA_PROVENANCE_V02) return isRecord(at(predicate, 'builder')) ? v02(predicate) : undefined;
  return undefined;
}

function v1(predicate: unknown): SlsaProvenance {
  const build = at(predicate, 'buildDefinition');
  // GitHub's build type names the source in externalParameters.workflow; BuildKit in
  // externalParameters.configSource (a Git context `<repo>#<ref>`, or only a Dockerfile path).
  const workflow = at(build, 'externalParameters', 'workflow');
  const config = at(build, 'externalParameters', 'configSource');
  const source =
    str(at(config, 'uri')) !== undefined ? config : gitDependency(at(build, 'resolvedDependencies'));
  const sourceUri = str(at(source, 'uri'));
  const metadata = at(predicate, 'runDetails', 'metadata');
  return {
    slsaVersion: 'v1',
    builderId: str(at(predicate, 'runDetails', 'builder', 'id')),
    buildType: str(at(build, 'buildType')),
    sourceRepository: str(at(workflow, 'repository')) ?? repositoryOf(sourceUri),
    sourceRef: str(at(workflow, 'ref')) ?? refOf(sourceUri),
    sourceDigest: commitOf(source),
    workflow: str(at(workflow, 'path')) ?? str(at(config, 'path')),
    trigger: str(at(build, 'internalParameters', 'github', 'event_name')),
    // The spec spells it invocationId; BuildKit (and in-toto-golang) write invocationID.
    invocationId: str(at(metadata, 'invocationId')) ?? str(at(metadata, 'invocationID')),
    startedOn: str(at(metadata, 'startedOn')),
    finishedOn: str(at(metadata, 'finishedOn')),
  };
}

function v02(predicate: unknown): SlsaProvenance {
  const config = at(predicate, 'invocation', 'configSource');
  const uri = str(at(config, 'uri'));
  const metadata = at(predicate, 'metadata');
  return {
    slsaVersion: 'v0.2',
    builderId: str(at(predicate, 'builder', 'id')),
    buildType: str(at(predicate, 'buildType')),
    sourceRepository: repositoryOf(uri),
    sourceRef: refOf(uri),
    sourceDigest: commitOf(config),
    workflow: str(at(config, 'entryPoint')),
    trigger: str(at(predicate, 'invocation', 'environment', 'github_event_name')),
    // The spec spells it buildInvocationId; BuildKit and slsa-github-generator write buildInvocationID.
    invocationId: str(at(metadata, 'buildInvocationId')) ?? str(at(metadata, 'buildInvocationID')),
    startedOn: str(at(metadata, 'buildStartedOn')),
    finishedOn: str(at(metadata, 'buildFinishedOn')),
  };
}

/**
 * The first resolved dependency that is a Git source: a `git+` URI (SLSA's convention) or a
 * `gitCommit` digest. Not simply the first entry: BuildKit lists base images
 * (`pkg:docker/alpine@latest`) there, which are not the source and whose `@tag` is not a ref.
 */
function gitDependency(dependencies: unknown): unknown {
  if (!Array.isArray(dependencies)) return undefined;
  return dependencies
    .slice(0, MAX_DEPENDENCIES_SEARCHED)
    .find(
      (d: unknown) =>
        str(at(d, 'uri'))?.startsWith('git+') === true || str(at(d, 'digest', 'gitCommit')) !== undefined,
    );
}

/** The commit of a source descriptor: `gitCommit`, else `sha1` (what v0.2 and BuildKit write). */
function commitOf(source: unknown): string | undefined {
  return str(at(source, 'digest', 'gitCommit')) ?? str(at(source, 'digest', 'sha1'));
}

/** `git+https://github.com/o/r@refs/heads/main` → `https://github.com/o/r`. */
function repositoryOf(uri: string | undefined): string | undefined {
  return uri === undefined ? undefined : splitSourceUri(uri).repository;
}

/** `git+https://github.com/o/r@refs/heads/main` → `refs/heads/main`. */
function refOf(uri: string | undefined): string | undefined {
  return uri === undefined ? undefined : splitSourceUri(uri).ref;
}

/**
 * A source URI as SLSA writes it: optional `git+`, then the repository, then `@ref`; or as BuildKit
 * writes a Git context: the repository, then `#ref` with an optional `:subdir` (a ref cannot hold
 * `:`). Only an `@` in the path counts (one before it is `user@host`).
 */
function splitSourceUri(uri: string): { repository: string; ref: string | undefined } {
  const bare = uri.startsWith('git+') ? uri.slice('git+'.length) : uri;
  const fragment = bare.indexOf('#');
  if (fragment >= 0) {
    const ref = bare.slice(fragment + 1).split(':')[0];
    return { repository: bare.slice(0, fragment), ref: ref === '' ? undefined : ref };
  }
  const scheme = bare.indexOf('://');
  const path = bare.indexOf('/', scheme < 0 ? 0 : scheme + 3);
  const separator = bare.lastIndexOf('@');
  if (path < 0 || separator < path || separator === bare.length - 1)
    return { repository: bare, ref: undefined };
  return { repository: bare.slice(0, separator), ref: bare.slice(separator + 1) };
}

function str(value: unknown): string | undefined {
  return stringUpTo(value, MAX_PROVENANCE_FIELD_LENGTH);
}
