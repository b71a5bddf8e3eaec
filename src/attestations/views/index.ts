export {
  MAX_PROVENANCE_FIELD_LENGTH,
  slsaProvenanceOf,
  SLSA_PROVENANCE_V02,
  SLSA_PROVENANCE_V1,
  type SlsaProvenance,
} from './slsa-provenance.js';
