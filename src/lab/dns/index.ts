// The lab's authoritative DNS server and its zone format.
export { answerQuery, lookup } from './answer';
export { type DnsServer, type DnsServerOptions, startDnsServer } from './server';
export { type CompiledZone, compileZone, Zone, type ZoneInput, ZoneRecord } from './zone';
