/**
 * What the demo prints about each example it runs: the status, the signer identities found and the
 * messages (cosign's wording) — the three things a person reads a verification answer for, so the
 * terminal shows the product working without anyone opening a browser.
 */

/** The part of a demo query's answer the outcome line reads; everything is optional, as in any reply. */
export interface DemoAnswer {
  readonly data?: {
    readonly image?: {
      readonly digest?: string;
      readonly verification?: {
        readonly status?: string;
        readonly hint?: string | null;
        readonly errors?: readonly { readonly code?: string; readonly message?: string }[];
        readonly signatures?: readonly {
          readonly verified?: boolean;
          readonly signature?: { readonly format?: string };
          readonly identity?: {
            readonly subjectAlternativeName?: string | null;
            readonly issuer?: string | null;
          } | null;
        }[];
      } | null;
    } | null;
  } | null;
  readonly errors?: readonly { readonly message?: string }[];
}

/** The status an answer gives, or undefined when it gives none (a GraphQL error, a broken reply). */
export function answeredStatus(answer: DemoAnswer): string | undefined {
  return answer.data?.image?.verification?.status;
}

/** Lines describing one answer, e.g. `VerifyIndex → VERIFIED` and one indented line per finding. */
export function outcomeLines(name: string, answer: DemoAnswer): string[] {
  const verification = answer.data?.image?.verification;
  if (verification === undefined || verification === null) {
    const messages = (answer.errors ?? []).map((e) => e.message ?? '').join('; ');
    return [`  ${name} → no answer: ${messages === '' ? 'no verification in the reply' : messages}`];
  }
  const lines = [`  ${name} → ${verification.status ?? '(no status)'}`];
  for (const signature of verification.signatures ?? []) {
    const who = signature.identity?.subjectAlternativeName ?? '(no identity)';
    const issuer = signature.identity?.issuer ?? '(no issuer)';
    const verdict = signature.verified === true ? 'verified' : 'not verified';
    lines.push(`      ${signature.signature?.format ?? 'signature'} ${verdict}: ${who} (issuer ${issuer})`);
  }
  for (const error of verification.errors ?? []) {
    lines.push(`      ${error.code ?? 'ERROR'}: ${error.message ?? ''}`);
  }
  if (typeof verification.hint === 'string' && verification.hint !== '')
    lines.push(`      hint: ${verification.hint}`);
  return lines;
}
