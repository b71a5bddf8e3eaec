import type { Platform } from '../registry/types.js';
import { ReferenceError } from './reference-error.js';

/** A platform as a caller asks for it (`linux/arm64`, `linux/arm/v7`), normalised. */
export interface PlatformSpecifier {
  readonly os: string;
  readonly architecture: string;
  /** Normalised variant; `undefined` when the architecture has no variants we know a default for. */
  readonly variant: string | undefined;
}

const MAX_SPECIFIER_LENGTH = 128;
const PART = /^[a-z0-9._-]+$/;

/**
 * Architecture spellings that name the same thing, after containerd's `platforms.Normalize` (which
 * Docker uses): `uname -m` names and Debian names map to the GOARCH names images are published under.
 */
const ARCHITECTURE_ALIASES: ReadonlyMap<string, { architecture: string; variant?: string }> = new Map([
  ['x86_64', { architecture: 'amd64' }],
  ['x86-64', { architecture: 'amd64' }],
  ['aarch64', { architecture: 'arm64' }],
  ['armhf', { architecture: 'arm', variant: 'v7' }],
  ['armel', { architecture: 'arm', variant: 'v6' }],
  ['i386', { architecture: '386' }],
]);

/**
 * The variant an architecture means when none is written: `arm64` is `arm64/v8` and `arm` is
 * `arm/v7`, so `linux/arm64` matches entries published with or without `v8`.
 */
const DEFAULT_VARIANTS: ReadonlyMap<string, string> = new Map([
  ['arm64', 'v8'],
  ['arm', 'v7'],
]);

function normaliseVariant(architecture: string, variant: string | undefined): string | undefined {
  const v = variant === undefined || variant === '' ? undefined : variant.toLowerCase();
  if (architecture === 'arm' && v !== undefined && /^[5-8]$/.test(v)) return `v${v}`; // `arm/7` is `arm/v7`
  return v ?? DEFAULT_VARIANTS.get(architecture);
}

function normalise(os: string, architecture: string, variant: string | undefined): PlatformSpecifier {
  const lowerOs = os.toLowerCase();
  const arch = architecture.toLowerCase();
  const alias = ARCHITECTURE_ALIASES.get(arch);
  const normalisedArch = alias?.architecture ?? arch;
  return {
    os: lowerOs === 'macos' ? 'darwin' : lowerOs,
    architecture: normalisedArch,
    variant: normaliseVariant(normalisedArch, variant ?? alias?.variant),
  };
}

/**
 * Parses `os/architecture[/variant]`. Untrusted caller input: length-capped, restricted to the
 * characters platform names use; failures are {@link ReferenceError}s.
 */
export function parsePlatform(input: string): PlatformSpecifier {
  if (input.length > MAX_SPECIFIER_LENGTH) {
    throw new ReferenceError(`platform is longer than ${MAX_SPECIFIER_LENGTH} characters`, input);
  }
  const parts = input.toLowerCase().split('/');
  if (parts.length < 2 || parts.length > 3 || !parts.every((p) => PART.test(p))) {
    throw new ReferenceError(
      'platform must be os/architecture[/variant], e.g. linux/arm64 or linux/arm/v7',
      input,
    );
  }
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  return normalise(os, architecture, variant);
}

/**
 * Whether an index entry's `platform` is the one asked for, comparing normalised os, architecture and
 * variant. Entries without a platform never match, and neither does `unknown/unknown`: that is how
 * buildx marks attestation manifests, which are not runnable images whatever a caller asks for.
 */
export function platformMatches(wanted: PlatformSpecifier, candidate: Platform | undefined): boolean {
  if (candidate === undefined) return false;
  if (candidate.os === 'unknown' && candidate.architecture === 'unknown') return false;
  const have = normalise(candidate.os, candidate.architecture, candidate.variant);
  return (
    have.os === wanted.os && have.architecture === wanted.architecture && have.variant === wanted.variant
  );
}

/** `os/architecture[/variant]` as written in an index entry, for messages and logs. */
export function formatPlatform(platform: Platform): string {
  const variant = platform.variant === undefined || platform.variant === '' ? '' : `/${platform.variant}`;
  return `${platform.os}/${platform.architecture}${variant}`;
}
