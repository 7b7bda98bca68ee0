#!/usr/bin/env node
// Builds resources/whois/servers.json (TLD -> port-43 WHOIS server) from the data file of the
// npm package whoisserver-world (ISC licence, https://github.com/7c/whoisserver-world). The
// package is not a dependency: fetch it when you refresh the table, e.g.
//   npm pack whoisserver-world && tar xzf whoisserver-world-*.tgz
//   node scripts/build-whois-servers.mjs package/whoisservers.json
// Only the first WHOIS server of each TLD is kept; RDAP comes from resources/whois/rdap-dns.json.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const input = process.argv[2];
if (!input) {
  console.error('usage: node scripts/build-whois-servers.mjs <path to whoisserver-world/whoisservers.json>');
  process.exit(2);
}
const packageJson = JSON.parse(readFileSync(join(dirname(input), 'package.json'), 'utf8'));
const data = JSON.parse(readFileSync(input, 'utf8'));
const HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;
const tlds = {};
for (const tld of Object.keys(data).sort()) {
  const server = data[tld]?.whoisServer?.[0];
  if (typeof server !== 'string') continue;
  const host = server.trim().toLowerCase();
  if (!HOST.test(host) || !/^[a-z0-9-]+$/.test(tld)) continue;
  tlds[tld] = host;
}
const out = {
  source: `whoisserver-world ${packageJson.version} (ISC licence, https://github.com/7c/whoisserver-world)`,
  generated: new Date().toISOString().slice(0, 10),
  tlds,
};
const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'whois', 'servers.json');
writeFileSync(target, `${JSON.stringify(out, null, 2)}\n`);
console.log(`wrote ${Object.keys(tlds).length} TLDs to ${target}`);
