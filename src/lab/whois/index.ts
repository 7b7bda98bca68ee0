// The lab's WHOIS servers: registries, registrars and whois.iana.org on loopback.
export { echoQuery, MAX_QUERY_BYTES, parseWhoisQuery, takeQueryLine } from './query';
export { IANA_SERVER, ianaAnswer, registryServerFor } from './registries';
export { allocateAddresses, startWhoisLab, WHOIS_PORT, type WhoisLab, type WhoisServerInfo } from './server';
