// One open-redirect probe: the page's URL with a redirect parameter set to a canary on a host
// that cannot exist (.invalid, RFC 2606), and the verdict on the answer: does it send the browser
// to the canary, by a redirect's Location or by a meta refresh? The canary is never requested.
import type { HttpResponse } from '../../shared/scanner';
import { redirectTarget } from '../http/chain';
import { metaRefreshUrl } from './html';

export const CANARY_HOST = 'tracegraph-canary.invalid';

/** The values tried, in order: an absolute URL, then a scheme-relative one that slips past "starts with /" checks. */
export const PAYLOADS = [`https://${CANARY_HOST}/`, `//${CANARY_HOST}/`] as const;

/** `page` (an absolute URL, its own query dropped) with `param` set to `payload`. */
export function probeUrl(page: string, param: string, payload: string): string {
  const url = new URL(page);
  url.search = '';
  url.hash = '';
  url.searchParams.set(param, payload);
  return url.href;
}

const onCanary = (target: string, base: string): boolean => {
  try {
    const host = new URL(target, base).hostname.toLowerCase();
    return host === CANARY_HOST || host.endsWith(`.${CANARY_HOST}`);
  } catch {
    return false;
  }
};

export type ProbeVerdict = { via: 'location' | 'meta-refresh'; target: string } | null;

/** Whether the answer to `url` sends the browser to the canary host. */
export function judgeProbe(response: HttpResponse, url: string, html: string): ProbeVerdict {
  const next = redirectTarget(response, url);
  if (typeof next === 'string' && onCanary(next, url)) return { via: 'location', target: next };
  if (response.status >= 200 && response.status < 300) {
    const refresh = metaRefreshUrl(html);
    if (refresh !== null && onCanary(refresh, url)) return { via: 'meta-refresh', target: refresh };
  }
  return null;
}
