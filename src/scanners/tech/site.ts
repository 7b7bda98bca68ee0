// What a web scanner's input names: the host to fetch, the URL to start from (a url input's own,
// or none: the site's front page), and the entity the results are about (the host's domain when
// it is one, else the url itself).
import type { EntityKey } from '../../shared/model';
import type { ScanInput } from '../../shared/scanner';
import { canonicalIp, canonicalValue } from '../../shared/target';

export interface SiteTarget {
  /** The host name or address, canonical. */
  host: string;
  /** Whether the host is a domain (so it can be resolved and be a node). */
  isDomain: boolean;
  startUrl?: string;
  subject: EntityKey;
}

export function siteTarget(input: ScanInput): SiteTarget {
  if (input.type === 'domain') {
    const name = canonicalValue('domain', input.value);
    if (name === undefined) throw new Error(`"${input.value.slice(0, 100)}" is not a domain name`);
    return { host: name, isDomain: true, subject: { type: 'domain', value: name } };
  }
  let url: URL;
  try {
    url = new URL(input.value.trim());
  } catch {
    throw new Error(`"${input.value.slice(0, 100)}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${url.protocol} URLs are not fetched`);
  url.hash = '';
  const bare = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const name = canonicalValue('domain', bare);
  if (name !== undefined) {
    return { host: name, isDomain: true, startUrl: url.href, subject: { type: 'domain', value: name } };
  }
  const ip = canonicalIp(bare);
  if (ip === undefined) throw new Error(`"${bare.slice(0, 100)}" is neither a domain nor an IP address`);
  return { host: ip, isDomain: false, startUrl: url.href, subject: { type: 'url', value: input.value.trim() } };
}
