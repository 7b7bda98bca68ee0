// The RRsets of a DNS message's sections with the RRSIGs that cover them, read from the raw packet.

import { parseRrsig, type RrsigRdata } from '../../shared/dns/dnssec-rdata';
import type { WireRecord } from '../../shared/dns/message';
import { DnsWireError, nameText } from '../../shared/dns/name';
import { DNS_TYPE_CODES } from '../../shared/dns/types';

export interface Signature {
  rrsig: RrsigRdata;
  /** The signer's name as lowercase text. */
  signer: string;
}

export interface Rrset {
  /** Owner as lowercase text. */
  name: string;
  owner: Uint8Array[];
  type: number;
  ttl: number;
  rdatas: Uint8Array[];
  signatures: Signature[];
}

/** At most this many RRsets are read from one message: more is a hostile answer, not a zone. */
export const MAX_RRSETS = 256;

/**
 * Groups records (class IN, OPT left out) into RRsets by owner and type, each with the RRSIGs
 * covering it; an RRSIG whose RDATA does not parse is dropped (it can prove nothing).
 */
export function groupRrsets(records: readonly WireRecord[]): Rrset[] {
  const sets = new Map<string, Rrset>();
  const get = (record: WireRecord, type: number): Rrset | undefined => {
    const key = `${record.name} ${type}`;
    let set = sets.get(key);
    if (set === undefined) {
      if (sets.size >= MAX_RRSETS) return undefined;
      set = { name: record.name, owner: record.owner, type, ttl: record.ttl, rdatas: [], signatures: [] };
      sets.set(key, set);
    }
    return set;
  };
  for (const record of records) {
    if (record.type === DNS_TYPE_CODES.OPT || record.klass !== 1) continue;
    if (record.type === DNS_TYPE_CODES.RRSIG) {
      let rrsig: RrsigRdata;
      try {
        rrsig = parseRrsig(record.rdata);
      } catch (error) {
        if (error instanceof DnsWireError) continue;
        throw error;
      }
      get(record, rrsig.typeCovered)?.signatures.push({ rrsig, signer: nameText(rrsig.signer) });
      continue;
    }
    const set = get(record, record.type);
    if (set === undefined) continue;
    set.rdatas.push(record.rdata);
    set.ttl = Math.min(set.ttl, record.ttl);
  }
  return [...sets.values()];
}
