/**
 * Bounds on CEL conditions. @bufbuild/cel has no cost limit and evaluates synchronously, so nothing
 * can interrupt an expression once it runs: the bound comes from what may run at all (see
 * compile-conditions.ts) and from the size of the statement it runs over.
 */

/** Most conditions one policy may carry. */
export const MAX_CONDITIONS = 16;

/** Longest expression text accepted, in UTF-16 code units. */
export const MAX_CONDITION_LENGTH = 1024;

/** Most syntax-tree nodes in one parsed expression (macros count after expansion). */
export const MAX_CONDITION_NODES = 256;

/**
 * Largest statement conditions are evaluated over. An SLSA provenance is a few KiB; a larger
 * statement (an SBOM of megabytes) fails the condition instead of being walked.
 */
export const MAX_CONDITION_INPUT_BYTES = 1024 * 1024;
