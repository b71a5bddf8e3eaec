import { readFileSync } from 'node:fs';

/**
 * The SBOM the demo attaches to its linux/amd64 manifest: npm's own SPDX 2.3 output for a tiny
 * express project (scripts/demo/widget/, NOTICE.md there says how it was made). Read from the file
 * rather than built in code so the document is one a real tool wrote, with its quirks, not one
 * shaped to fit our parser.
 */
export const SPDX_PREDICATE_TYPE = 'https://spdx.dev/Document';

/** The file npm wrote, next to this module. */
const SBOM_FILE = new URL('./widget/sbom.spdx.json', import.meta.url);

/** The parsed SPDX document (the predicate of the statement `cosign attest --type spdxjson` writes). */
export function demoSbom(): unknown {
  return JSON.parse(readFileSync(SBOM_FILE, 'utf8')) as unknown;
}
