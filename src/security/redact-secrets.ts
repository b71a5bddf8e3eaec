import { heldSecrets, type HeldSecrets } from './held-secrets.js';

/**
 * Removes the secrets this process holds from text that leaves it (see held-secrets.ts): error
 * messages that quote registries, REST problem details, log lines, metric labels. By value, in every
 * spelling secret-encodings.ts lists; ordinary words are never touched.
 *
 * One shape is removed whoever it belongs to: a JWT (`eyJ…` with its dots), the form registry bearer
 * tokens take. That costs no ordinary word (no word starts `eyJ` and has two dots) and covers a token
 * of ours that has already been forgotten, or one a registry minted for someone else.
 */
export const REDACTED = '[redacted]';

const JWT = /\beyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){1,2}/g;

/** `text` with every held secret, in any of its forms, and every JWT replaced by `[redacted]`. */
export function redactSecrets(text: string, secrets: HeldSecrets = heldSecrets): string {
  const covered = secrets.index.coverage(text);
  const byValue = covered === undefined ? text : replaceCovered(text, covered);
  return byValue.replace(JWT, REDACTED);
}

/**
 * The same for one serialized JSON document (a log line): only text inside JSON strings is redacted,
 * and never in a way that would break the document — an escape sequence is redacted whole or not at
 * all, and a string's closing quote is never taken.
 */
export function redactJsonText(json: string, secrets: HeldSecrets = heldSecrets): string {
  const covered = secrets.index.coverage(json);
  if (covered !== undefined) json = replaceCovered(json, keepJsonValid(json, covered));
  return json.replace(JWT, REDACTED);
}

/** Each run of covered characters becomes one `[redacted]`. */
function replaceCovered(text: string, covered: Uint8Array): string {
  let result = '';
  let at = 0;
  while (at < text.length) {
    if (covered[at] !== 1) {
      const from = at;
      while (at < text.length && covered[at] !== 1) at++;
      result += text.slice(from, at);
    } else {
      while (at < text.length && covered[at] === 1) at++;
      result += REDACTED;
    }
  }
  return result;
}

/**
 * Narrows a cover to what may be replaced inside a JSON document: characters of string contents
 * only (not quotes, not the structure between strings), widened so that an escape (`\"`, `\n`,
 * `\u00e9`) is either wholly in the cover or wholly out of it.
 */
function keepJsonValid(json: string, covered: Uint8Array): Uint8Array {
  const result = new Uint8Array(json.length);
  let inString = false;
  for (let at = 0; at < json.length; at++) {
    const char = json[at];
    if (!inString) {
      if (char === '"') inString = true;
      continue;
    }
    if (char === '"') {
      inString = false;
      continue;
    }
    const length = char === '\\' ? (json[at + 1] === 'u' ? 6 : 2) : 1;
    const end = Math.min(at + length, json.length);
    let any = false;
    for (let k = at; k < end; k++) any ||= covered[k] === 1;
    if (any) result.fill(1, at, end);
    at = end - 1;
  }
  return result;
}
