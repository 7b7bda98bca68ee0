// What the lab's WHOIS servers print besides the scenario's records: which server runs a TLD's
// registry, each registry family's "not found" answer, and IANA's TLD objects with "refer:".
// The wording is the lab's own; the shapes follow what those servers print, since clients and
// parsers key on them ("No match for", "refer:", "Registrar WHOIS Server:").

import serversJson from '../../../resources/whois/servers.json';

export const IANA_SERVER = 'whois.iana.org';

/** Who runs a TLD, for IANA's answer; generic wording for the rest. */
const OPERATORS: Readonly<Record<string, string>> = {
  com: 'VeriSign Global Registry Services',
  net: 'VeriSign Global Registry Services',
  org: 'Public Interest Registry (PIR)',
  edu: 'EDUCAUSE',
  de: 'DENIC eG',
  uk: 'Nominet UK',
};

export function tldOf(domain: string): string {
  return domain.slice(domain.lastIndexOf('.') + 1);
}

// The same table the WHOIS scanner starts from, so the lab answers where a client would ask.
const REGISTRY_SERVERS: Readonly<Record<string, string>> = serversJson.tlds;

export function registryServerFor(tld: string): string {
  return REGISTRY_SERVERS[tld] ?? `whois.nic.${tld}`;
}

function stamp(now: Date): string {
  return `${now.toISOString().slice(0, 19)}Z`;
}

/** A registry's answer for a name it does not hold, in that registry's usual form. */
export function registryNotFound(server: string, name: string | null, echoed: string, now: Date): string {
  const shown = name ?? echoed;
  switch (server) {
    case 'whois.verisign-grs.com':
      return (
        `No match for "${shown.toUpperCase()}".\r\n` +
        `>>> Last update of whois database: ${stamp(now)} <<<\r\n\r\n` +
        'NOTICE: this is a simulated registry in a Tracegraph lab; its data is made up.\r\n'
      );
    case 'whois.denic.de':
      return `Domain: ${shown}\nStatus: free\n`;
    case 'whois.nic.uk':
      return `\r\n    No match for "${shown}".\r\n\r\n    This domain name has not been registered.\r\n`;
    case 'whois.publicinterestregistry.org':
      return `NOT FOUND\r\n>>> Last update of WHOIS database: ${stamp(now)} <<<\r\n`;
    default:
      if (server.startsWith('whois.nic.')) {
        return `Domain not found.\r\n>>> Last update of WHOIS database: ${stamp(now)} <<<\r\n`;
      }
      return `No match for "${shown}".\r\n`;
  }
}

/** A registrar's answer for a name it does not hold. */
export function registrarNotFound(name: string | null, echoed: string): string {
  return `No match for domain "${(name ?? echoed).toUpperCase()}".\r\n`;
}

/**
 * whois.iana.org's answer: the TLD object (with "refer:" to its registry server) for a TLD or any
 * name under it, or "0 objects" for a TLD the scenario does not have.
 */
export function ianaAnswer(name: string | null, registries: ReadonlyMap<string, string>): string {
  const head = '% IANA WHOIS server\n% for more information on IANA, visit http://www.iana.org\n';
  const tld = name === null ? undefined : tldOf(name);
  const server = tld === undefined ? undefined : registries.get(tld);
  if (tld === undefined || server === undefined) return `${head}%\n% This query returned 0 objects.\n`;
  const operator = OPERATORS[tld] ?? `Registry operator for .${tld}`;
  return [
    `${head}% This query returned 1 object`,
    '',
    `refer:        ${server}`,
    '',
    `domain:       ${tld.toUpperCase()}`,
    '',
    `organisation: ${operator}`,
    '',
    `whois:        ${server}`,
    '',
    'status:       ACTIVE',
    '',
    'source:       IANA',
    '',
  ].join('\n');
}
