// Every host a web scan is about to request is put to the scan policy first (a redirect can point
// anywhere, the analyst's own network included); the check (kit/host-refusal) runs once per host.
import type { ScanContext } from '../../shared/scanner';
import { hostRefusal } from '../kit/host-refusal';

/** Why a URL's host must not be contacted, or undefined; each host is checked once per scan. */
export function policyCheck(
  ctx: Pick<ScanContext, 'net' | 'policy' | 'signal'>,
): (url: string) => Promise<string | undefined> {
  const verdicts = new Map<string, Promise<string | undefined>>();
  return (url) => {
    const host = new URL(url).hostname.toLowerCase();
    let verdict = verdicts.get(host);
    if (!verdict) {
      verdict = hostRefusal(host, ctx, ctx.signal);
      verdicts.set(host, verdict);
    }
    return verdict;
  };
}
