/**
 * A typed view of an OpenVEX document (https://github.com/openvex/spec, v0.0.x and v0.2.0) carried as
 * an in-toto predicate: which vulnerability, which products, what status and why. Read defensively
 * from an untrusted statement: at most {@link MAX_VEX_STATEMENTS} statements and
 * {@link MAX_VEX_LIST_ITEMS} products/aliases each are shown; a string missing, not a string or over
 * {@link MAX_VEX_FIELD_LENGTH} characters is undefined; a statement without a known status or a
 * vulnerability name is skipped. Nothing here throws.
 */
import { at, stringUpTo } from './untrusted-fields.js';

/** The predicate type cosign writes for `cosign attest --type openvex`. */
export const OPENVEX_PREDICATE_TYPE = 'https://openvex.dev/ns';

/** Most statements a view carries; `statementCount` tells how many the document has. */
export const MAX_VEX_STATEMENTS = 1000;
/** Most products (and aliases, and subcomponents per product) one statement carries. */
export const MAX_VEX_LIST_ITEMS = 100;
/** Longest string a view field carries; impact statements are prose, so this is wider than a URI. */
export const MAX_VEX_FIELD_LENGTH = 4096;

/** The four statuses of the OpenVEX spec (and of CISA's minimum requirements for VEX). */
export const VEX_STATUSES = ['not_affected', 'affected', 'fixed', 'under_investigation'] as const;
export type VexStatus = (typeof VEX_STATUSES)[number];

export interface VexProduct {
  /**
   * The product's `@id` (usually a purl); for a product without one, its purl, CPE 2.3 or CPE 2.2
   * identifier, in that order (every way of naming a product is optional in the spec).
   */
  readonly id: string;
  /** `identifiers.purl`, which may name something other than `@id` does. */
  readonly purl: string | undefined;
  /** `identifiers.cpe23`, else `identifiers.cpe22`. */
  readonly cpe: string | undefined;
  /** Each subcomponent's `@id`, else its purl or CPE; one with none of them is left out. */
  readonly subcomponents: readonly string[];
}

export interface VexStatement {
  /** `vulnerability.name` (v0.2) or the `vulnerability` string (v0.0.x), e.g. `CVE-2023-1234`. */
  readonly vulnerability: string;
  readonly aliases: readonly string[];
  readonly status: VexStatus;
  /** Why `not_affected` (e.g. `vulnerable_code_not_in_execute_path`). */
  readonly justification: string | undefined;
  readonly impactStatement: string | undefined;
  readonly actionStatement: string | undefined;
  /**
   * Empty when the statement names none: embedded in an attestation, the statement's subjects are
   * then its products (OpenVEX ATTESTING.md).
   */
  readonly products: readonly VexProduct[];
  /**
   * The statement's own timestamp, else (when it states none) the document's: OpenVEX's inheritance
   * rule. Undefined when the statement's is not a readable string.
   */
  readonly timestamp: string | undefined;
}

export interface OpenVex {
  /** `@context` of the document, e.g. `https://openvex.dev/ns/v0.2.0`. */
  readonly context: string | undefined;
  readonly id: string | undefined;
  readonly author: string | undefined;
  readonly timestamp: string | undefined;
  /** The document's `version` (an integer; v0.0.1 examples write it as a string of digits). */
  readonly version: number | undefined;
  /** How many statements the document holds (may exceed those shown). */
  readonly statementCount: number;
  readonly statements: readonly VexStatement[];
}

/** True for `https://openvex.dev/ns` and its versioned forms (`https://openvex.dev/ns/v0.2.0`). */
export function isOpenVexPredicateType(type: string | undefined): boolean {
  return (
    type !== undefined &&
    (type === OPENVEX_PREDICATE_TYPE || /^https:\/\/openvex\.dev\/ns\/v\d+\.\d+\.\d+$/.test(type))
  );
}

/** The OpenVEX view of a statement, or undefined when it is not OpenVEX or has no statement list. */
export function openVexOf(statement: unknown): OpenVex | undefined {
  if (!isOpenVexPredicateType(str(at(statement, 'predicateType')))) return undefined;
  const predicate = at(statement, 'predicate');
  const statements = at(predicate, 'statements');
  if (!Array.isArray(statements)) return undefined;
  const timestamp = str(at(predicate, 'timestamp'));
  const shown: VexStatement[] = [];
  for (const entry of statements.slice(0, MAX_VEX_STATEMENTS)) {
    const parsed = statementOf(entry, timestamp);
    if (parsed !== undefined) shown.push(parsed);
  }
  return {
    context: str(at(predicate, '@context')),
    id: str(at(predicate, '@id')),
    author: str(at(predicate, 'author')),
    timestamp,
    version: versionOf(at(predicate, 'version')),
    statementCount: statements.length,
    statements: shown,
  };
}

function versionOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  return typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : undefined;
}

function statementOf(entry: unknown, documentTimestamp: string | undefined): VexStatement | undefined {
  const status = str(at(entry, 'status'));
  if (!(VEX_STATUSES as readonly (string | undefined)[]).includes(status)) return undefined;
  const vulnerability = at(entry, 'vulnerability');
  // v0.2 has an object with name and aliases; v0.0.x a bare string.
  const name = str(vulnerability) ?? str(at(vulnerability, 'name')) ?? str(at(vulnerability, '@id'));
  if (name === undefined) return undefined;
  return {
    vulnerability: name,
    aliases: strings(at(vulnerability, 'aliases')),
    status: status as VexStatus,
    justification: str(at(entry, 'justification')),
    impactStatement: str(at(entry, 'impact_statement')),
    actionStatement: str(at(entry, 'action_statement')),
    products: products(at(entry, 'products')),
    // Inherited only when the statement states none: one it states but we cannot read (a number,
    // an over-long string) is unknown, not the document's.
    timestamp: at(entry, 'timestamp') === undefined ? documentTimestamp : str(at(entry, 'timestamp')),
  };
}

/**
 * v0.2 products are components (`@id`, `identifiers`, `hashes`) with `subcomponents` of the same
 * kind; v0.0.x products are bare strings. A product nothing names is left out.
 */
function products(value: unknown): VexProduct[] {
  if (!Array.isArray(value)) return [];
  const out: VexProduct[] = [];
  for (const product of value.slice(0, MAX_VEX_LIST_ITEMS)) {
    const id = componentName(product);
    if (id === undefined) continue;
    const subcomponents = at(product, 'subcomponents');
    out.push({
      id,
      purl: str(at(product, 'identifiers', 'purl')),
      cpe: cpeOf(product),
      subcomponents: Array.isArray(subcomponents)
        ? strings(subcomponents.slice(0, MAX_VEX_LIST_ITEMS).map(componentName))
        : [],
    });
  }
  return out;
}

function componentName(component: unknown): string | undefined {
  return (
    str(component) ??
    str(at(component, '@id')) ??
    str(at(component, 'identifiers', 'purl')) ??
    cpeOf(component)
  );
}

function cpeOf(component: unknown): string | undefined {
  return str(at(component, 'identifiers', 'cpe23')) ?? str(at(component, 'identifiers', 'cpe22'));
}

function strings(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (const item of value.slice(0, MAX_VEX_LIST_ITEMS)) {
    const s = str(item);
    if (s !== undefined) out.push(s);
  }
  return out;
}

function str(value: unknown): string | undefined {
  return stringUpTo(value, MAX_VEX_FIELD_LENGTH);
}
