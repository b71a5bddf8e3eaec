/**
 * Bounds on CEL conditions. @bufbuild/cel has no cost limit and evaluates synchronously, so the
 * bound is in three parts: what may run at all (compile-conditions.ts: size, shape, types, patterns),
 * the size of the statement it runs over, and a deadline — evaluation runs in a worker thread that
 * is terminated when it is over (condition-pool.ts).
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
 * Largest statement conditions are evaluated over: 4 MiB, so that a gate can ask about an SBOM
 * (`!predicate.components.exists(c, c.name.startsWith("log4j"))`) and not only about provenance,
 * which is a few KiB. A larger statement fails its conditions instead of being walked. Measured
 * 2026-12-04 (2 cores, load average ~2, in-thread): over a 20 000-component CycloneDX statement of
 * 2.7 MB, one `exists` took 0.10–0.24 s and four conditions (`exists`, `all`, `filter` + `matches`)
 * 0.26–0.48 s. At the cap (30 000 components, 4.1 MB of dense small objects) in the worker, idle
 * machine: a trivial condition 70 ms (parse and bind), one `exists` 0.12–0.14 s, eight `exists`
 * passes (the comprehension cap) 0.50–0.56 s — inside {@link CONDITION_EVALUATION_TIMEOUT_MS} and
 * the {@link CONDITION_WORKER_HEAP_MB} heap, with less room on a loaded machine, where a heavy
 * policy over the largest SBOMs can meet the deadline: CONDITION_NOT_EVALUATED, not cached, never a
 * pass. Until 2026-12-04 the cap was 256 KiB, the `statement` field's.
 *
 * What the worst accepted policy costs over a 256 KiB statement, measured 2026-12-04 on the
 * shared 2-core machine (load average 5.0–5.6: two other sessions at work), in-thread, no deadline:
 * - one `matches()` of an accepted ~400-instruction pattern (`[ab]*a[ab]{400}[^ab]`) over a
 *   pseudo-random 262 000-character a/b string: 1.3–2.1 s. A policy can hold 16 conditions of 21
 *   such calls (the same pattern counts once towards the regexp caps): 336 scans, ~10 minutes;
 * - eight comprehensions (the cap), each one pass over a 131 000-element list: 0.58–0.76 s;
 * - a trivial condition over it in the worker (JSON parse included): 1.3–6.4 ms.
 * The first is why the static rules are not the bound and {@link CONDITION_EVALUATION_TIMEOUT_MS}
 * is: with it, that policy answered in 1.2–1.7 s, the limit plus starting a new worker for it (under
 * tsx from sources ~0.6 s of that; a worker starts in ~0.1 s from dist/).
 */
export const MAX_CONDITION_INPUT_BYTES = 4 * 1024 * 1024;

/**
 * Wall-clock limit on evaluating one attestation's conditions, counted from when a worker takes
 * them (the statement's copy and parse included). Conditions over provenance take well under a
 * millisecond; over an SBOM at the 4 MiB input cap, 0.07 s (parse and bind) to ~0.56 s for eight
 * full passes on the idle machine (see {@link MAX_CONDITION_INPUT_BYTES}). What reaches this limit
 * is a policy that makes RE2 scan the largest strings again and again, which the static rules cannot
 * price, or a heavy SBOM policy on a loaded machine: CONDITION_NOT_EVALUATED, not cached. 1 s rather
 * than less: the heaviest comprehension policy over 256 KiB took up to 0.76 s on the loaded test
 * machine, and eight passes over the largest SBOM 0.56 s on the idle one; both should pass.
 */
export const CONDITION_EVALUATION_TIMEOUT_MS = 1000;

/**
 * Most evaluations waiting for a worker, process-wide, and the longest one waits. Beyond either, its
 * conditions are CONDITION_NOT_EVALUATED (not cached: the next request tries again) instead of
 * queueing without end behind one client's slow policies: each waiting task costs its statement's
 * bytes (up to 4 MiB), and every other request's conditions would wait behind them.
 */
export const MAX_QUEUED_CONDITION_EVALUATIONS = 64;
export const CONDITION_QUEUE_WAIT_MS = 5_000;

/**
 * Worker threads evaluating conditions, process-wide. Two: one slow policy cannot hold up every
 * other request's conditions, and the service's own event loop keeps a core.
 */
export const CONDITION_WORKERS = 2;

/**
 * Old-generation heap of one evaluation worker, MiB: an expression that builds too much dies alone.
 * The static rules do not bound memory: 55 copies of a 250 KB string, each concatenated 55 times and
 * flattened by `matches()`, is an accepted 805-character condition that would build ~750 MB; it is
 * stopped here in 0.5–0.7 s (`stopped the evaluator (… reaching memory limit …)`).
 */
export const CONDITION_WORKER_HEAP_MB = 128;

/**
 * How long a new worker may take to load @bufbuild/cel and report ready (tens of ms from dist/,
 * longer from TypeScript sources under tsx in tests).
 */
export const CONDITION_WORKER_START_TIMEOUT_MS = 20_000;
