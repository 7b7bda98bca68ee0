// What a failed connect says about a port, as a connect scan reads it: refused (a reset to the
// SYN) is closed, silence until the deadline or an ICMP unreachable is filtered, and anything
// else (a proxy that cannot be reached, a bad address) is an error that says nothing about the port.

export type PortState = 'open' | 'closed' | 'filtered' | 'error';

/** The state of a port whose connect failed with `error`, and the reason to keep. */
export function failedConnectState(error: unknown): { state: Exclude<PortState, 'open'>; reason: string } {
  const reason = (error instanceof Error ? error.message : String(error)).slice(0, 500);
  const name = error instanceof Error ? error.name : '';
  // The proxy itself refusing or silent says nothing about the port, and would read as closed or filtered.
  if (/^SOCKS5 proxy \S+ unreachable/.test(reason)) return { state: 'error', reason };
  // Through a SOCKS proxy, the port's refusal comes back as the proxy's ConnectionRefused reply.
  if (/connection refused|ConnectionRefused|connection reset/i.test(reason)) return { state: 'closed', reason };
  if (
    name === 'TimeoutError' ||
    /timed out|host unreachable|network unreachable|HostUnreachable|TTLExpired/i.test(reason)
  ) {
    return { state: 'filtered', reason };
  }
  return { state: 'error', reason };
}
