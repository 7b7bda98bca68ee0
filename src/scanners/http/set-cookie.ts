// Set-Cookie (RFC 6265bis 5.6): a name-value pair, then attributes separated by semicolons.
// Attribute names are case-insensitive, the last occurrence wins, and unknown ones are ignored,
// as browsers do. A pair without "=" is a cookie with an empty name.

export interface SetCookie {
  name: string;
  value: string;
  domain: string | null;
  path: string | null;
  secure: boolean;
  httpOnly: boolean;
  /** The SameSite value as sent (null when absent). */
  sameSite: string | null;
  expires: string | null;
  maxAge: string | null;
  partitioned: boolean;
}

/** Browsers ignore Set-Cookie lines whose name and value together exceed 4096 bytes; longer text is not parsed. */
const MAX_LENGTH = 8192;

export function parseSetCookie(line: string): SetCookie {
  const [pair = '', ...attributes] = line.slice(0, MAX_LENGTH).split(';');
  const eq = pair.indexOf('=');
  const cookie: SetCookie = {
    name: eq < 0 ? '' : pair.slice(0, eq).trim(),
    value: (eq < 0 ? pair : pair.slice(eq + 1)).trim(),
    domain: null,
    path: null,
    secure: false,
    httpOnly: false,
    sameSite: null,
    expires: null,
    maxAge: null,
    partitioned: false,
  };
  for (const attribute of attributes) {
    const at = attribute.indexOf('=');
    const name = (at < 0 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
    const value = at < 0 ? '' : attribute.slice(at + 1).trim();
    switch (name) {
      case 'domain':
        // A leading dot is ignored (RFC 6265 5.2.3); an empty Domain is no Domain.
        cookie.domain = value === '' ? null : value.replace(/^\./, '').toLowerCase();
        break;
      case 'path':
        cookie.path = value.startsWith('/') ? value : null;
        break;
      case 'secure':
        cookie.secure = true;
        break;
      case 'httponly':
        cookie.httpOnly = true;
        break;
      case 'samesite':
        cookie.sameSite = value;
        break;
      case 'expires':
        cookie.expires = value;
        break;
      case 'max-age':
        cookie.maxAge = value;
        break;
      case 'partitioned':
        cookie.partitioned = true;
        break;
    }
  }
  return cookie;
}
