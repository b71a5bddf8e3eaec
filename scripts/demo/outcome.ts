/**
 * What the demo prints about each example it runs: the status, the signer identities found and the
 * messages (cosign's wording) — the three things a person reads a verification answer for, so the
 * terminal shows the product working without anyone opening a browser.
 */

/** A verdict as both `verification` and `attestationVerification` give it; every field optional. */
export interface DemoVerdict {
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
}

/** The part of a demo query's answer the outcome line reads; everything is optional, as in any reply. */
export interface DemoAnswer {
  readonly data?: {
    readonly image?: {
      readonly digest?: string;
      readonly verification?: DemoVerdict | null;
      readonly attestationVerification?: DemoVerdict | null;
      readonly platform?: { readonly attestationVerification?: DemoVerdict | null } | null;
    } | null;
  } | null;
  readonly errors?: readonly { readonly message?: string }[];
}

/**
 * The verdict an answer gives: of the signatures, else of the attestations of the image, else of
 * those of the platform it asked for (the attestation tabs ask one of these three).
 */
function verdictOf(answer: DemoAnswer): DemoVerdict | null | undefined {
  const image = answer.data?.image;
  return image?.verification ?? image?.attestationVerification ?? image?.platform?.attestationVerification;
}

/** The status an answer gives, or undefined when it gives none (a GraphQL error, a broken reply). */
export function answeredStatus(answer: DemoAnswer): string | undefined {
  return verdictOf(answer)?.status;
}

/** Lines describing one answer, e.g. `VerifyIndex → VERIFIED` and one indented line per finding. */
export function outcomeLines(name: string, answer: DemoAnswer): string[] {
  const verification = verdictOf(answer);
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
