// GeoIP lookups for scanners and the UI: one reader over any mix of MaxMind DB files (the lab's
// own, GeoLite2 City / Country / ASN, DB-IP lite), answering in one shape (see normalise.ts).
import ipaddr from 'ipaddr.js';
import maxmind, { type Reader } from 'maxmind';
import { type GeoInfo, isEmptyGeoInfo, mergeGeoInfo, normaliseGeoRecord } from './normalise';

export { type GeoInfo, mergeGeoInfo, normaliseGeoRecord } from './normalise';

export interface GeoDatabaseInfo {
  path: string;
  /** The metadata's database_type, e.g. "GeoLite2-City", "Tracegraph-Lab-City-ASN". */
  type: string;
  ipVersion: number;
  buildEpoch: Date;
}

export interface GeoReader {
  /**
   * What the databases know about an address, fields from earlier databases first; null when
   * none has a record for it, or the text is not an IP address.
   */
  lookup(ip: string): GeoInfo | null;
  readonly databases: readonly GeoDatabaseInfo[];
}

interface Opened {
  info: GeoDatabaseInfo;
  reader: Reader<Record<string, unknown>>;
}

/** The address as the databases index it: IPv4-mapped IPv6 becomes IPv4, zone ids dropped. */
function canonicalAddress(ip: string): { text: string; v6: boolean } | null {
  const bare = ip.trim().replace(/%.*$/, '');
  if (!ipaddr.isValid(bare)) return null;
  if (ipaddr.IPv4.isValid(bare) && !ipaddr.IPv4.isValidFourPartDecimal(bare)) return null;
  const address = ipaddr.process(bare);
  return { text: address.toString(), v6: address.kind() === 'ipv6' };
}

/**
 * Opens MaxMind DB files: `{ city, asn }` (a City or Country database and an ASN database, each
 * optional) or a list of paths, consulted in order. Rejects naming the file that failed to open.
 */
export async function openGeoReader(paths: { city?: string; asn?: string } | string[]): Promise<GeoReader> {
  const list = Array.isArray(paths) ? paths : [paths.city, paths.asn].filter((p): p is string => p !== undefined);
  const opened: Opened[] = [];
  for (const path of list) {
    let reader: Reader<Record<string, unknown>>;
    try {
      reader = await maxmind.open<Record<string, unknown>>(path);
    } catch (error) {
      throw new Error(`cannot open GeoIP database ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const meta = reader.metadata;
    opened.push({
      reader,
      info: { path, type: meta.databaseType, ipVersion: meta.ipVersion, buildEpoch: meta.buildEpoch },
    });
  }
  return {
    databases: opened.map((o) => o.info),
    lookup(ip: string): GeoInfo | null {
      const address = canonicalAddress(ip);
      if (!address) return null;
      let result: GeoInfo | null = null;
      for (const { reader, info } of opened) {
        // An IPv4-only tree is 32 levels deep: an IPv6 address walked through it would land on
        // an unrelated record.
        if (address.v6 && info.ipVersion === 4) continue;
        const record = reader.get(address.text);
        if (record === null) continue;
        const found = normaliseGeoRecord(record);
        if (isEmptyGeoInfo(found)) continue;
        result = result ? mergeGeoInfo(result, found) : found;
      }
      return result;
    },
  };
}
