// DNS answers as evidence, in the one style every DNS-reading scanner uses: a dig-like text and
// the raw packet, named `N:TYPE:name` and `N:TYPE:name:raw`, with the source dns://server/name?type=T.
import type { DnsRecordType, DnsResponse, ScanEvent } from '../../shared/scanner';
import { formatResponse } from './dig';

export interface DnsQuery {
  name: string;
  type: DnsRecordType;
}

export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Evidence references, unique within the run. */
export class Refs {
  private count = 0;
  next(query: DnsQuery): { text: string; raw: string } {
    this.count++;
    const base = `${this.count}:${query.type}:${query.name.slice(0, 150)}`;
    return { text: base, raw: `${base}:raw` };
  }
}

/** The two evidence events of one answered query, and the refs that cite them. */
export function dnsEvidence(
  query: DnsQuery,
  response: DnsResponse,
  refs: Refs,
): { events: ScanEvent[]; refs: [string, string] } {
  const ref = refs.next(query);
  const source = `dns://${response.server}/${query.name}?type=${query.type}`.slice(0, 2048);
  return {
    events: [
      {
        kind: 'evidence',
        ref: ref.text,
        mediaType: 'text/plain; charset=utf-8',
        source,
        encoding: 'utf8',
        content: formatResponse(response),
      },
      {
        kind: 'evidence',
        ref: ref.raw,
        mediaType: 'application/dns-message',
        source,
        encoding: 'base64',
        content: base64(response.raw),
      },
    ],
    refs: [ref.text, ref.raw],
  };
}
