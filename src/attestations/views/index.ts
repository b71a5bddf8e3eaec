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
  isCosignVulnPredicateType,
  MAX_VULN_FIELD_LENGTH,
  MAX_VULN_FINDINGS_COUNTED,
  type CosignVuln,
  type VulnResultSummary,
  type VulnSeverityCount,
} from './cosign-vuln.js';
export {
  CYCLONEDX_BOM,
  MAX_COMPONENT_LICENSES,
  MAX_SBOM_COMPONENTS,
  MAX_SBOM_FIELD_LENGTH,
  isSbomPredicateType,
  sbomOf,
  SPDX_DOCUMENT,
  type Sbom,
  type SbomComponent,
  type SbomFormat,
} from './sbom.js';
export {
  DEFAULT_SBOM_PAGE_SIZE,
  MAX_NAME_FILTER_LENGTH,
  MAX_SBOM_PAGE_SIZE,
  sbomPage,
  SbomPageError,
  type SbomPage,
} from './sbom-page.js';
export { hasView, readView, type ViewKind, type ViewOutcome, type Views } from './read-view.js';
