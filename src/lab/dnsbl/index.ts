// DNS blacklist zones for the lab DNS server.
export { dnsblName, dnsblZones } from './zones';
