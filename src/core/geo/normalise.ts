// One shape for the geolocation records of the databases we read: GeoLite2 / GeoIP2 City and
// Country (nested, names by language), GeoLite2-ASN (autonomous_system_*), and DB-IP's lite
// files (flat: city, country_code, latitude, longitude, state1, ...). The lab database is
// GeoLite2-City shaped with the ASN fields beside it, so it needs nothing of its own.

export interface GeoInfo {
  /** ISO 3166-1 alpha-2, upper case; null when the record has no country (an ASN-only database). */
  country: string | null;
  countryName?: string;
  city?: string;
  latitude?: number;
  longitude?: number;
  asn?: number;
  org?: string;
}

type Fields = { [key: string]: unknown };

function fields(value: unknown): Fields | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function finite(value: unknown, min: number, max: number): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max ? value : undefined;
}

/** English, else the first name any language gives (GeoLite2 has `en` for every name it has). */
function nameOf(names: unknown): string | undefined {
  const map = fields(names);
  if (!map) return undefined;
  return (
    text(map.en) ??
    Object.values(map)
      .map(text)
      .find((n) => n !== undefined)
  );
}

function asnOf(value: unknown): number | undefined {
  if (typeof value === 'bigint') return value <= 0xffffffffn ? Number(value) : undefined;
  if (typeof value === 'string') {
    // Some ASN tables write "AS13335".
    const match = /^(?:AS)?(\d{1,10})$/i.exec(value.trim());
    return match ? finite(Number(match[1]), 0, 0xffffffff) : undefined;
  }
  const n = finite(value, 0, 0xffffffff);
  return n !== undefined && Number.isInteger(n) ? n : undefined;
}

let regionNames: Intl.DisplayNames | undefined;

/** DB-IP records carry only the code; Intl has the English name. */
function countryNameOf(code: string): string | undefined {
  try {
    regionNames ??= new Intl.DisplayNames(['en'], { type: 'region' });
    const name = regionNames.of(code);
    return name && name !== code ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What one database record says, in GeoInfo's terms; fields it does not have are left out (and
 * `country` is null). Unknown shapes give an empty result, never an error.
 */
export function normaliseGeoRecord(record: unknown): GeoInfo {
  const r = fields(record) ?? {};
  const out: GeoInfo = { country: null };

  // GeoLite2 nests; registered_country stands in when the address has no located country.
  const nested = fields(r.country) ?? fields(r.registered_country);
  const code = text(nested?.iso_code) ?? text(r.country_code);
  if (code && /^[A-Za-z]{2}$/.test(code)) out.country = code.toUpperCase();
  const countryName = nameOf(nested?.names) ?? text(r.country_name);
  if (countryName) out.countryName = countryName;
  else if (out.country) {
    const known = countryNameOf(out.country);
    if (known) out.countryName = known;
  }

  const city = nameOf(fields(r.city)?.names) ?? text(r.city);
  if (city) out.city = city;

  const location = fields(r.location);
  const latitude = finite(location?.latitude ?? r.latitude, -90, 90);
  const longitude = finite(location?.longitude ?? r.longitude, -180, 180);
  // A point needs both halves.
  if (latitude !== undefined && longitude !== undefined) {
    out.latitude = latitude;
    out.longitude = longitude;
  }

  // GeoLite2-ASN at the top level; GeoIP2 City / ISP put the same fields under traits.
  const traits = fields(r.traits);
  const asn = asnOf(r.autonomous_system_number ?? traits?.autonomous_system_number);
  if (asn !== undefined) out.asn = asn;
  const org = text(r.autonomous_system_organization) ?? text(traits?.autonomous_system_organization);
  if (org) out.org = org;
  return out;
}

/** Whether a normalised record says anything at all. */
export function isEmptyGeoInfo(info: GeoInfo): boolean {
  return Object.keys(info).length === 1 && info.country === null;
}

/** Fills the fields `into` lacks from `from` (earlier databases win). */
export function mergeGeoInfo(into: GeoInfo, from: GeoInfo): GeoInfo {
  const out: GeoInfo = { ...into };
  if (out.country === null && from.country !== null) {
    out.country = from.country;
    // A name belongs with its code; do not pair one database's code with another's name.
    if (from.countryName) out.countryName = from.countryName;
  }
  if (out.city === undefined && from.city !== undefined) out.city = from.city;
  if (out.latitude === undefined && from.latitude !== undefined && from.longitude !== undefined) {
    out.latitude = from.latitude;
    out.longitude = from.longitude;
  }
  // Likewise a number and its organisation come from one database.
  if (out.asn === undefined && out.org === undefined) {
    if (from.asn !== undefined) out.asn = from.asn;
    if (from.org !== undefined) out.org = from.org;
  }
  return out;
}
