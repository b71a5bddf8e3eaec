export {
  MAX_PROVENANCE_FIELD_LENGTH,
  slsaProvenanceOf,
  SLSA_PROVENANCE_V02,
  SLSA_PROVENANCE_V1,
  type SlsaProvenance,
} from './slsa-provenance.js';
export {
  isOpenVexPredicateType,
  MAX_VEX_FIELD_LENGTH,
  MAX_VEX_LIST_ITEMS,
  MAX_VEX_STATEMENTS,
  openVexOf,
  OPENVEX_PREDICATE_TYPE,
  VEX_STATUSES,
  type OpenVex,
  type VexProduct,
  type VexStatement,
  type VexStatus,
} from './openvex.js';
export {
  COSIGN_VULN_PREDICATE_TYPE,
  cosignVulnOf,
  MAX_VULN_FIELD_LENGTH,
  MAX_VULN_FINDINGS_COUNTED,
  type CosignVuln,
  type VulnResultSummary,
  type VulnSeverityCount,
} from './cosign-vuln.js';
