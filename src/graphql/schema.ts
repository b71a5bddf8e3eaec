import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import {
  AttestationOpenVexResolver,
  AttestationProvenanceResolver,
  AttestationVulnScanResolver,
  AttestationSbomResolver,
  ImageAttestationResolver,
  PlatformManifestAttestationResolver,
} from './attestation/index.js';
import { ImageResolver } from './image/index.js';
import { PlatformManifestResolver } from './manifest/index.js';
import { ImageVerificationResolver, PlatformManifestVerificationResolver } from './verification/index.js';

/** Every resolver class of the schema; object types come in through the resolvers' type thunks. */
const RESOLVERS = [
  ImageResolver,
  PlatformManifestResolver,
  ImageVerificationResolver,
  PlatformManifestVerificationResolver,
  ImageAttestationResolver,
  PlatformManifestAttestationResolver,
  AttestationProvenanceResolver,
  AttestationOpenVexResolver,
  AttestationVulnScanResolver,
  AttestationSbomResolver,
] as const;

/**
 * Builds the executable schema from the decorated classes. The same function feeds the server and
 * `scripts/emit-schema.ts`, so the committed `schema/schema.graphql` is exactly what is served.
 */
export async function buildImprimaturSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [...RESOLVERS],
    // Arguments are plain strings validated by the services' own parsers; class-validator is not used.
    validate: false,
  });
}
