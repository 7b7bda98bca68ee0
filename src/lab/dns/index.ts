// The lab's authoritative DNS server, its zone format and DNSSEC signing.
export { answerQuery, type LookupOptions, lookup } from './answer';
export {
  DNSSEC_FAULTS,
  type DnssecAlgorithm,
  type DnssecFault,
  DnssecSpec,
  type DnssecSpecInput,
  generateZoneKeys,
  generateZoneKeysAsync,
  type SignatureWindow,
  type SignedZone,
  type SignedZones,
  type SignOptions,
  signRrset,
  signZone,
  signZones,
  type ZoneKey,
  type ZoneKeys,
} from './dnssec';
export { type DnsServer, type DnsServerOptions, startDnsServer } from './server';
export {
  attachDelegations,
  type CompiledZone,
  compileZone,
  type DelegationRecordInput,
  Zone,
  type ZoneInput,
  ZoneRecord,
} from './zone';
