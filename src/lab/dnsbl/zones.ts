// DNS blacklist zones (RFC 5782): an address is listed when <reversed address>.<list zone> has an
// A record (the return code, 127.0.0.x) and usually a TXT record (the reason). IPv4 addresses are
// written octet by octet in reverse, IPv6 addresses nibble by nibble in reverse. Unlisted
// addresses get NXDOMAIN from the lab DNS server, as from a real list.
import ipaddr from 'ipaddr.js';
import type * as z from 'zod';
import type { ZoneInput } from '../dns/zone';
import type { DnsblListing } from '../scenario/schema';

type Listing = z.infer<typeof DnsblListing>;
type ZoneRecordInput = ZoneInput['records'][number];

/** RFC 5782 section 5: every list holds 127.0.0.2 (and ::ffff:7f00:2 when it lists IPv6) for testing. */
const TEST_V4 = '127.0.0.2';
const TEST_V6 = '::ffff:7f00:2';
const TEST_TXT = 'Test entry (RFC 5782)';

/** The owner name of an address relative to its list zone: "2.0.0.127" or 32 reversed nibbles. */
export function dnsblName(address: string): string {
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return parsed.toByteArray().reverse().join('.');
  const hex = parsed
    .toByteArray()
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
  return [...hex].reverse().join('.');
}

/** One zone per list, holding an SOA (for negative answers) and the listings' A and TXT records. */
export function dnsblZones(listings: readonly Listing[]): ZoneInput[] {
  const byZone = new Map<string, Map<string, { codes: Set<string>; txts: Set<string> }>>();
  for (const listing of listings) {
    const zone = listing.zone.replace(/\.$/, '').toLowerCase();
    let names = byZone.get(zone);
    if (!names) {
      names = new Map();
      byZone.set(zone, names);
    }
    const name = dnsblName(listing.address);
    const entry = names.get(name) ?? { codes: new Set<string>(), txts: new Set<string>() };
    entry.codes.add(listing.code);
    if (listing.txt !== undefined) entry.txts.add(listing.txt);
    names.set(name, entry);
  }
  const zones: ZoneInput[] = [];
  for (const [zone, names] of byZone) {
    const tests = [TEST_V4];
    if ([...names.keys()].some((name) => name.split('.').length === 32)) tests.push(TEST_V6);
    for (const test of tests) {
      const name = dnsblName(test);
      if (!names.has(name)) names.set(name, { codes: new Set([TEST_V4]), txts: new Set([TEST_TXT]) });
    }
    const records: ZoneRecordInput[] = [
      { name: '@', type: 'SOA', data: `ns.${zone} hostmaster.${zone} 1 3600 600 86400 60` },
    ];
    for (const [relative, entry] of names) {
      // Absolute, so a nibble name ending in labels like the zone's is never mistaken for one in it.
      const name = `${relative}.${zone}.`;
      for (const code of entry.codes) records.push({ name, type: 'A', data: code });
      for (const txt of entry.txts) records.push({ name, type: 'TXT', data: txt });
    }
    zones.push({ origin: zone, records });
  }
  return zones;
}
