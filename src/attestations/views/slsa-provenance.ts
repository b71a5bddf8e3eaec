/**
 * A typed view of SLSA provenance (https://slsa.dev/provenance/v0.2 and /v1): the facts a portal
 * shows — who built it, how, from which source — read defensively from an untrusted, already
 * size-capped statement. A field that is missing, not a string or longer than
 * {@link MAX_PROVENANCE_FIELD_LENGTH} is undefined; nothing here throws on a malformed predicate.
 */
import { at, stringUpTo } from './untrusted-fields.js';

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

/** The provenance view of a statement, or undefined when it is not SLSA provenance v0.2 or v1. */
export function slsaProvenanceOf(statement: unknown): SlsaProvenance | undefined {
  const type = str(at(statement, 'predicateType'));
  const predicate = at(statement, 'predicate');
  if (type === SLSA_PROVENANCE_V1) return v1(predicate);
  if (type === SLSA_PROVENANCE_V02) return v02(predicate);
  return undefined;
}

function v1(predicate: unknown): SlsaProvenance {
  const build = at(predicate, 'buildDefinition');
  const workflow = at(build, 'externalParameters', 'workflow');
  const github = at(build, 'internalParameters', 'github');
  const dependencies = at(build, 'resolvedDependencies');
  const source = Array.isArray(dependencies) ? (dependencies[0] as unknown) : undefined;
  const sourceUri = str(at(source, 'uri'));
  const metadata = at(predicate, 'runDetails', 'metadata');
  return {
    slsaVersion: 'v1',
    builderId: str(at(predicate, 'runDetails', 'builder', 'id')),
    buildType: str(at(build, 'buildType')),
    sourceRepository: str(at(workflow, 'repository')) ?? repositoryOf(sourceUri),
    sourceRef: str(at(workflow, 'ref')) ?? refOf(sourceUri),
    sourceDigest: str(at(source, 'digest', 'gitCommit')) ?? str(at(source, 'digest', 'sha1')),
    workflow: str(at(workflow, 'path')),
    trigger: str(at(github, 'event_name')),
    invocationId: str(at(metadata, 'invocationId')),
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
    sourceDigest: str(at(config, 'digest', 'sha1')) ?? str(at(config, 'digest', 'gitCommit')),
    workflow: str(at(config, 'entryPoint')),
    trigger: str(at(predicate, 'invocation', 'environment', 'github_event_name')),
    invocationId: str(at(metadata, 'buildInvocationId')),
    startedOn: str(at(metadata, 'buildStartedOn')),
    finishedOn: str(at(metadata, 'buildFinishedOn')),
  };
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
 * A source URI as SLSA writes it: optional `git+`, then the repository, then `@ref`. Only an `@` in
 * the path counts (one before it is `user@host`).
 */
function splitSourceUri(uri: string): { repository: string; ref: string | undefined } {
  const bare = uri.startsWith('git+') ? uri.slice('git+'.length) : uri;
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
