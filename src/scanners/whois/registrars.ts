// One registrar, one node: "NameCheap, Inc.", "NAMECHEAP INC" and IANA id 1068 are the same
// registrar. The IANA id decides when a known one is given; otherwise the name is reduced to a
// key (case, punctuation, legal form and trade-name tails dropped) and shown in a stable form.

interface KnownRegistrar {
  ianaId: string;
  name: string;
  /** Name keys (see registrarKey) that mean this registrar. */
  aliases: readonly string[];
}

/** Large registrars by IANA id, as IANA's registrar list names them. */
const KNOWN: readonly KnownRegistrar[] = [
  { ianaId: '2', name: 'Network Solutions, LLC', aliases: ['network solutions'] },
  { ianaId: '9', name: 'Register.com, Inc.', aliases: ['register com', 'registercom'] },
  { ianaId: '48', name: 'eNom, LLC', aliases: ['enom'] },
  { ianaId: '69', name: 'Tucows Domains Inc.', aliases: ['tucows domains', 'tucows'] },
  { ianaId: '81', name: 'Gandi SAS', aliases: ['gandi'] },
  { ianaId: '146', name: 'GoDaddy.com, LLC', aliases: ['godaddy com', 'godaddy'] },
  { ianaId: '292', name: 'MarkMonitor Inc.', aliases: ['markmonitor'] },
  { ianaId: '299', name: 'CSC Corporate Domains, Inc.', aliases: ['csc corporate domains'] },
  { ianaId: '303', name: 'PDR Ltd. d/b/a PublicDomainRegistry.com', aliases: ['pdr', 'publicdomainregistry com'] },
  { ianaId: '440', name: 'Wild West Domains, LLC', aliases: ['wild west domains'] },
  { ianaId: '468', name: 'Amazon Registrar, Inc.', aliases: ['amazon registrar'] },
  { ianaId: '472', name: 'Dynadot Inc', aliases: ['dynadot'] },
  { ianaId: '625', name: 'Name.com, Inc.', aliases: ['name com'] },
  { ianaId: '1068', name: 'NameCheap, Inc.', aliases: ['namecheap'] },
  { ianaId: '1479', name: 'NameSilo, LLC', aliases: ['namesilo'] },
  { ianaId: '1659', name: 'Uniregistrar Corp', aliases: ['uniregistrar'] },
  { ianaId: '1861', name: 'Porkbun LLC', aliases: ['porkbun'] },
  { ianaId: '1910', name: 'Cloudflare, Inc.', aliases: ['cloudflare'] },
];

const BY_ID = new Map(KNOWN.map((r) => [r.ianaId, r]));
const BY_KEY = new Map(KNOWN.flatMap((r) => r.aliases.map((alias) => [alias, r] as const)));

/** Legal forms dropped from the end of a name ("inc", "llc", "gmbh", "s.a.s."...). */
const LEGAL =
  /\s+(inc|incorporated|llc|l l c|ltd|limited|corp|corporation|co|company|gmbh|ag|sas|sa|sarl|srl|spa|bv|nv|plc|llp|lp|pty|kk|gk|oy|ab|as|oü|ou|sl|ltda|sro|s r o)$/;

/** The comparable key of a registrar name: "NAMECHEAP INC" and "NameCheap, Inc." give "namecheap". */
export function registrarKey(name: string): string {
  let key = name
    .toLowerCase()
    .normalize('NFKC')
    .replace(/https?:\/\/\S*/g, ' ')
    .replace(/\([^)]*\)|\[[^\]]*\]/g, ' ')
    // "X t/a Y", "X dba Y", "X d/b/a Y": the registrar is X (the accredited company).
    .split(/\s+(?:t\/a|dba|d\/b\/a|trading as)\s+/)[0]
    ?.replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  if (key === undefined) return '';
  for (let i = 0; i < 3; i++) key = key.replace(LEGAL, '').trim();
  return key;
}

function titleCase(key: string): string {
  return key.replace(/\p{L}[\p{L}\p{N}]*/gu, (word) => word.charAt(0).toUpperCase() + word.slice(1));
}

export interface CanonicalRegistrar {
  /** The entity value: IANA's name for a known id, else a stable form of the name. */
  value: string;
  ianaId: string | null;
}

export function canonicalRegistrar(name: string | null, ianaId: string | null): CanonicalRegistrar | null {
  const known = ianaId ? BY_ID.get(ianaId) : undefined;
  if (known) return { value: known.name, ianaId: known.ianaId };
  if (!name) return null;
  const key = registrarKey(name);
  if (key === '') return null;
  const byName = BY_KEY.get(key);
  // An id that disagrees with the name's known id is kept: it is what the record says.
  if (byName) return { value: byName.name, ianaId: ianaId ?? byName.ianaId };
  return { value: titleCase(key).slice(0, 200), ianaId };
}
