// The HTTPS-redirect verdict (10 grade points): does a visitor who arrives over plain HTTP end up
// on HTTPS? Judged from the two redirect chains, the one from http:// and the one from https://.
import type { Chain } from './chain';

export type RedirectKind = 'redirects' | 'https-only' | 'no-redirect' | 'no-https' | 'unknown';

export interface RedirectVerdict {
  kind: RedirectKind;
  /** Grade points lost out of 10. */
  lost: number;
  detail: string;
}

const isHttps = (url: string): boolean => url.startsWith('https:');

/** Whether any request of the chain went to an https URL and got an answer. */
export function answeredOverHttps(chain: Chain | undefined): boolean {
  return chain?.hops.some((h) => isHttps(h.url) && h.response !== undefined) ?? false;
}

/**
 * `httpChain` starts at http://, `httpsChain` at https:// (absent when the HTTP chain already
 * reached HTTPS, or when the target has only one scheme).
 */
export function redirectVerdict(httpChain: Chain | undefined, httpsChain: Chain | undefined): RedirectVerdict {
  if (!httpChain) return { kind: 'unknown', lost: 0, detail: 'no plain-HTTP URL to test' };
  const toHttps = httpChain.hops.find((h) => h.next !== undefined && isHttps(h.next));
  if (toHttps?.next) {
    return { kind: 'redirects', lost: 0, detail: `${toHttps.url} redirects to ${toHttps.next}` };
  }
  const httpsAnswered = answeredOverHttps(httpChain) || answeredOverHttps(httpsChain);
  const first = httpChain.hops[0];
  if (first?.response === undefined) {
    return httpsAnswered
      ? { kind: 'https-only', lost: 0, detail: 'plain HTTP is not served at all; the site answers over HTTPS only' }
      : { kind: 'unknown', lost: 0, detail: 'the site answered over neither HTTP nor HTTPS' };
  }
  if (httpsAnswered) {
    return {
      kind: 'no-redirect',
      lost: 10,
      detail: `${first.url} answers over plain HTTP without redirecting to HTTPS, so visitors who type the name or follow an old link stay on an unencrypted connection`,
    };
  }
  if (!httpsChain) return { kind: 'unknown', lost: 0, detail: 'HTTPS was not tested' };
  return {
    kind: 'no-https',
    lost: 10,
    detail: `HTTPS is not available (${httpsChain.hops[0]?.error ?? 'no answer'}); the site is served over plain HTTP only`,
  };
}
