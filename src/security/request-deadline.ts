/**
 * The signal a request's work runs under: aborted when the client goes away (the handler's signal)
 * or when the request has run for `deadlineMs`, whichever comes first. Registry requests, retries'
 * waits and token look-ups all take this signal, so neither a vanished caller nor a registry that
 * trickles answers can keep upstream work going after nobody will read the result.
 *
 * Not `AbortSignal.any([signal, AbortSignal.timeout(ms)])`, as it was: with that, a request that
 * fanned out ran on with its deadline long past (issue #12: 132 s against a 30 s deadline; here,
 * test/integration/security/cancellation.test.ts, once earlier tests had run in the process). Node
 * holds the sources of `AbortSignal.any` only weakly and a timeout signal is collectable, which is the
 * likely cause; whatever it is, here the timer itself holds the controller until it fires. The reason
 * is a `TimeoutError`, as `AbortSignal.timeout` gives, which is how the edges tell a deadline from a
 * disconnect.
 */
export function withDeadline(signal: AbortSignal, deadlineMs: number): AbortSignal {
  const controller = new AbortController();
  if (signal.aborted) {
    controller.abort(signal.reason);
    return controller.signal;
  }
  const onLeave = () => {
    clearTimeout(timer);
    controller.abort(signal.reason);
  };
  const timer = setTimeout(() => {
    signal.removeEventListener('abort', onLeave);
    controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  }, deadlineMs);
  // A deadline is no reason to keep the process alive (a stopping server waits for requests anyway).
  timer.unref();
  signal.addEventListener('abort', onLeave, { once: true });
  return controller.signal;
}
