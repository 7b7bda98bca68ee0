#!/usr/bin/env node
// Replaces resources/whois/rdap-dns.json with IANA's current RDAP bootstrap for domains
// (RFC 9224). The shipped file is a hand-written snapshot (the build machines have no network);
// run this on a machine that is online, check the diff, and commit it.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = 'https://data.iana.org/rdap/dns.json';
const response = await fetch(SOURCE, { headers: { accept: 'application/json' } });
if (!response.ok) {
  console.error(`${SOURCE}: HTTP ${response.status}`);
  process.exit(1);
}
const data = await response.json();
// The shape the scanner reads: { services: [[tlds], [urls]][] }; refuse anything else.
const valid =
  Array.isArray(data?.services) &&
  data.services.every(
    (s) =>
      Array.isArray(s) &&
      s.length === 2 &&
      s.every((list) => Array.isArray(list) && list.every((v) => typeof v === 'string')),
  );
if (!valid || data.services.length < 10) {
  console.error(`${SOURCE}: not an RDAP bootstrap file`);
  process.exit(1);
}
const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'whois', 'rdap-dns.json');
writeFileSync(target, `${JSON.stringify(data, null, 2)}\n`);
const tlds = data.services.reduce((n, s) => n + s[0].length, 0);
console.log(`wrote ${data.services.length} services (${tlds} TLDs), publication ${data.publication} to ${target}`);
