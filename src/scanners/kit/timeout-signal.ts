// A signal that aborts when `parent` does or after `ms`. Not AbortSignal.any() over
// AbortSignal.timeout(): under Node 20 the timeout signal is only weakly held there and a garbage
// collection can drop it before it fires, leaving the wait unbounded (seen as a screenshot run
// that ignored its 2 s deadline). Here the timer holds the controller until it fires.
export function timeoutSignal(parent: AbortSignal, ms: number): AbortSignal {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return controller.signal;
  }
  const timer = setTimeout(
    () => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    Math.max(0, ms),
  );
  // The timer bounds a wait; it must not keep a finished process alive.
  timer.unref();
  parent.addEventListener(
    'abort',
    () => {
      clearTimeout(timer);
      controller.abort(parent.reason);
    },
    { once: true, signal: controller.signal },
  );
  return controller.signal;
}
