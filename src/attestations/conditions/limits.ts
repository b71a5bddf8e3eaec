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
 * Most comprehensions (`all`, `exists`, `exists_one`, `map`, `filter`) in one policy's conditions
 * together: each is one pass over a list of the statement, so this caps the passes.
 */
export const MAX_CONDITION_COMPREHENSIONS = 8;

/**
 * Largest statement conditions are evaluated over (the `statement` field's own cap). An SLSA
 * provenance is a few KiB; a larger statement (an SBOM of megabytes) fails its conditions instead of
 * being walked. Measured once on the shared 2-core machine: two comprehensions over a 150 000-element
 * list (300 KB) took 0.17–0.45 s, so the worst policy is a few seconds of CPU, not unbounded.
 */
export const MAX_CONDITION_INPUT_BYTES = 256 * 1024;
