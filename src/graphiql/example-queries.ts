/**
 * The tabs GraphiQL opens with: the multi-platform walkthrough (shared/reference/
 * cosign-multiplatform-til.txt) as queries, so a first-time user sees every outcome the service
 * explains — a signed index, an unsigned platform digest, a wrong issuer, a wrong identity, and a
 * platform verified through its index — without reading the schema first.
 *
 * The first four tabs run the same operation and differ only in their variables: the image and the
 * policy are the two things a user edits, and one operation keeps the answers comparable side by side.
 * The tabs are built for a world ({@link ExampleWorld}): the walkthrough's public images by default,
 * the demo's own registry and trust root when `npm run demo` serves the page. Pure data (no DOM, no
 * Node APIs); the page fetches the set its service was given (see graphiql-handler.ts).
 */

/** One preloaded GraphiQL tab. */
export interface ExampleTab {
  /** What the tab shows; also the operation name, so tabs are told apart in the tab bar. */
  readonly title: string;
  readonly query: string;
  readonly variables: Readonly<Record<string, unknown>>;
}

/** The index the walkthrough verifies: aquasec/trivy 0.70.0, signed keyless from GitHub Actions. */
export const WALKTHROUGH_INDEX =
  'index.docker.io/aquasec/trivy@sha256:be1190afcb28352bfddc4ddeb71470835d16462af68d310f9f4bca710961a41e';
/** Its linux/amd64 manifest: listed by the signed index, but carrying no signature of its own. */
export const WALKTHROUGH_PLATFORM =
  'index.docker.io/aquasec/trivy@sha256:85e87be1a96459c38a4eea47dc64eb2d342bb14cd4b4cef96adcf6ff03378b7c';

const TRIVY_IDENTITY = 'https://github.com/aquasecurity/trivy/.*';
const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/** What the example tabs ask about: one signed index, one of its platforms, and the policy that fits. */
export interface ExampleWorld {
  /** The signed index, by digest. */
  readonly indexRef: string;
  /** One platform manifest of that index, by digest (no signature of its own). */
  readonly platformRef: string;
  /** The platform of {@link platformRef}, as `os/arch[/variant]`. */
  readonly platform: string;
  /** cosign's `--certificate-identity-regexp` that the index's signer matches. */
  readonly identityRegexp: string;
  /** A regexp that looks right but does not match the signer, for the WrongIdentity tab. */
  readonly wrongIdentityRegexp: string;
  /** cosign's `--certificate-oidc-issuer` of the signer. */
  readonly issuer: string;
  /** Another issuer, for the WrongIssuer tab. */
  readonly wrongIssuer: string;
}

/** The walkthrough's world: aquasec/trivy on Docker Hub, signed keyless by its release workflow. */
export const WALKTHROUGH_WORLD: ExampleWorld = {
  indexRef: WALKTHROUGH_INDEX,
  platformRef: WALKTHROUGH_PLATFORM,
  platform: 'linux/amd64',
  identityRegexp: TRIVY_IDENTITY,
  wrongIdentityRegexp: 'https://github.com/aquasecurity/triv/.*',
  issuer: GITHUB_ISSUER,
  wrongIssuer: 'https://google.com',
};

/** The operation every tab runs, with `name` as its operation name. */
export function verifyOperation(name: string): string {
  return `# ${describe(name)}
# Edit the variables below (image and policy); policy fields are cosign's verify flags.
query ${name}($ref: String!, $policy: PolicyInput!) {
  image(ref: $ref) {
    ref
    digest
    mediaType
    verification(policy: $policy) {
      verified
      status
      inheritedFrom
      hint
      errors { code message }
      signatures {
        verified
        errors { code message }
        identity { subjectAlternativeName issuer githubWorkflowRepository githubWorkflowRef }
      }
    }
  }
}
`;
}

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  VerifyIndex: 'The multi-platform index, as its publisher signed it: VERIFIED.',
  VerifyPlatformDigest:
    'One platform digest on its own: UNSIGNED, like cosign says ("no signatures found"); the hint names the index to verify.',
  WrongIssuer: 'The right image, the wrong issuer: FAILED with expected/got, so you learn the right issuer.',
  WrongIdentity:
    'The right image, an identity regexp that does not match its signer: FAILED with the SAN found.',
  PlatformViaIndex:
    'One platform reached through the signed index: VERIFIED_VIA_INDEX, since the index digest covers it.',
};

/** The platform of an index, verified through it: what the walkthrough says to do instead. */
export function platformViaIndexOperation(): string {
  return `# ${describe('PlatformViaIndex')}
query PlatformViaIndex($ref: String!, $platform: String!, $policy: PolicyInput!) {
  image(ref: $ref) {
    digest
    platform(platform: $platform) {
      digest
      platform { os architecture variant }
      verification(policy: $policy) {
        verified
        status
        inheritedFrom
        errors { code message }
      }
    }
  }
}
`;
}

function describe(name: string): string {
  return DESCRIPTIONS[name] ?? name;
}

function tab(title: string, ref: string, policy: Record<string, string>): ExampleTab {
  return { title, query: verifyOperation(title), variables: { ref, policy } };
}

/** The five tabs for a world: every outcome the service explains, in the walkthrough's order. */
export function exampleTabs(world: ExampleWorld): readonly ExampleTab[] {
  const policy = { certificateIdentityRegexp: world.identityRegexp, certificateOidcIssuer: world.issuer };
  return [
    tab('VerifyIndex', world.indexRef, policy),
    tab('VerifyPlatformDigest', world.platformRef, policy),
    tab('WrongIssuer', world.indexRef, { ...policy, certificateOidcIssuer: world.wrongIssuer }),
    tab('WrongIdentity', world.indexRef, { ...policy, certificateIdentityRegexp: world.wrongIdentityRegexp }),
    {
      title: 'PlatformViaIndex',
      query: platformViaIndexOperation(),
      variables: { ref: world.indexRef, platform: world.platform, policy },
    },
  ];
}

/** The tabs a service opens with unless told otherwise: the walkthrough's. */
export const EXAMPLE_TABS: readonly ExampleTab[] = exampleTabs(WALKTHROUGH_WORLD);
