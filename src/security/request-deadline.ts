/**
 * The signal a request's work runs under: aborted when the client goes away (the handler's signal)
 * or when the request has run for `deadlineMs`, whichever comes first. Registry requests, retries'
 * waits and token look-ups all take this signal, so neither a vanished caller nor a registry that
 * trickles answers can keep upstream work going after nobody will read the result.
 */
export function withDeadline(signal: AbortSignal, deadlineMs: number): AbortSignal {
  return AbortSignal.any([signal, AbortSignal.timeout(deadlineMs)]);
}
