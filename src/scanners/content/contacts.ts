// Contacts a page gives away: email addresses (mailto links and text, validated as addresses),
// phone numbers (tel: links, and international numbers written with a leading +, so dates and
// other numbers are not taken), and social profile links on the platforms analysts pivot on.
import { canonicalValue } from '../../shared/target';

export const CONTACT_LIMITS = { maxEmails: 100, maxPhones: 50, maxSocials: 100 };

// Bounded quantifiers only: the text is the adversary's.
const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}/g;
/** File names that look like addresses ("logo@2x.png"). */
const NOT_A_TLD = /^(?:png|jpe?g|gif|svg|webp|avif|ico|bmp|js|mjs|css|map|json|xml|txt|pdf|woff2?|ttf|eot|mp4|webm)$/;

/** The address canonical (lowercase domain, IDN as A-labels), or undefined when it is not one. */
export function emailOf(candidate: string): string | undefined {
  const text = candidate.trim().replace(/^mailto:/i, '');
  const at = text.lastIndexOf('@');
  const tld = text.slice(text.lastIndexOf('.') + 1).toLowerCase();
  if (at < 1 || !/^[a-z]{2,24}$/.test(tld) || NOT_A_TLD.test(tld)) return undefined;
  const value = canonicalValue('email', text);
  return value && !value.slice(0, value.indexOf('@')).includes('%') ? value : undefined;
}

export function emailsOf(text: string, mailtos: readonly string[], limit = CONTACT_LIMITS.maxEmails): string[] {
  const found = new Set<string>();
  for (const href of mailtos) {
    // mailto:a@b.c?subject=…, possibly several addresses separated by commas.
    const body = href.replace(/^mailto:/i, '').replace(/\?.*$/, '');
    for (const part of body.split(',', 10)) {
      let decoded = part;
      try {
        decoded = decodeURIComponent(part);
      } catch {}
      const email = emailOf(decoded);
      if (email && found.size < limit) found.add(email);
    }
  }
  for (const m of text.matchAll(EMAIL)) {
    if (found.size >= limit) break;
    const email = emailOf(m[0].replace(/^[._%+-]+/, '').replace(/[.-]+$/, ''));
    if (email) found.add(email);
  }
  return [...found];
}

// "+" then 7 to 15 digits with the usual separators; a digit, letter or + on either side rejects it.
const INTERNATIONAL = /(?<![0-9A-Za-z+])\+[1-9][0-9 ().-]{6,22}[0-9](?![0-9A-Za-z])/g;

/** A phone number as "+digits" (or the digits of a local tel: link), or undefined when implausible. */
export function phoneOf(written: string, fromTelLink: boolean): string | undefined {
  const text = written.trim().replace(/^tel:/i, '');
  if (/[^0-9 ().+-]/.test(text) || /[().-]{2}|\s{2}/.test(text) || (text.match(/\(/g)?.length ?? 0) > 1)
    return undefined;
  const digits = text.replace(/[^0-9]/g, '');
  const international = text.startsWith('+');
  if (!international && !fromTelLink) return undefined;
  if (digits.length < (international ? 8 : 6) || digits.length > 15) return undefined;
  return international ? `+${digits}` : digits;
}

export function phonesOf(text: string, tels: readonly string[], limit = CONTACT_LIMITS.maxPhones): string[] {
  const found = new Set<string>();
  for (const href of tels) {
    let decoded = href;
    try {
      decoded = decodeURIComponent(href);
    } catch {}
    const phone = phoneOf(decoded, true);
    if (phone && found.size < limit) found.add(phone);
  }
  for (const m of text.matchAll(INTERNATIONAL)) {
    if (found.size >= limit) break;
    const phone = phoneOf(m[0], false);
    if (phone) found.add(phone);
  }
  return [...found];
}

export interface SocialProfile {
  platform: string;
  /** The profile's canonical URL: https, the platform's main host, no query, no trailing slash. */
  url: string;
  handle: string;
}

interface Platform {
  name: string;
  hosts: string[];
  /** The profile path; group 1 is the handle. */
  path: RegExp;
  /** First path segments that are the platform's own pages, not profiles. */
  reserved?: string[];
  /** Paths are case-insensitive on this platform, so they are lowercased. */
  foldCase: boolean;
}

const PLATFORMS: Platform[] = [
  {
    name: 'X (Twitter)',
    hosts: ['twitter.com', 'x.com'],
    path: /^\/([A-Za-z0-9_]{1,15})$/,
    reserved: [
      'intent',
      'share',
      'home',
      'search',
      'hashtag',
      'i',
      'explore',
      'login',
      'signup',
      'settings',
      'tos',
      'privacy',
    ],
    foldCase: true,
  },
  {
    name: 'Facebook',
    hosts: ['facebook.com', 'fb.com'],
    path: /^\/([A-Za-z0-9.]{3,80})$/,
    reserved: [
      'sharer.php',
      'sharer',
      'share.php',
      'dialog',
      'plugins',
      'tr',
      'login.php',
      'policies',
      'help',
      'privacy',
    ],
    foldCase: true,
  },
  {
    name: 'LinkedIn',
    hosts: ['linkedin.com'],
    path: /^\/(?:in|company|school)\/([A-Za-z0-9_%-]{2,100})$/,
    foldCase: true,
  },
  {
    name: 'GitHub',
    hosts: ['github.com'],
    path: /^\/([A-Za-z0-9-]{1,39})$/,
    reserved: [
      'features',
      'about',
      'login',
      'join',
      'pricing',
      'security',
      'sponsors',
      'topics',
      'marketplace',
      'site',
    ],
    foldCase: true,
  },
  {
    name: 'Instagram',
    hosts: ['instagram.com'],
    path: /^\/([A-Za-z0-9_.]{1,30})$/,
    reserved: ['p', 'explore', 'accounts', 'reel', 'reels', 'stories', 'about', 'legal'],
    foldCase: true,
  },
  {
    name: 'Telegram',
    hosts: ['t.me', 'telegram.me'],
    path: /^\/([A-Za-z0-9_]{4,32})$/,
    reserved: ['share', 'joinchat', 'addstickers', 'proxy', 'socks'],
    foldCase: true,
  },
  {
    name: 'YouTube',
    hosts: ['youtube.com'],
    path: /^\/(@[A-Za-z0-9_.-]{3,30}|channel\/UC[A-Za-z0-9_-]{22}|c\/[A-Za-z0-9_.-]{1,100}|user\/[A-Za-z0-9_.-]{1,100})$/,
    foldCase: false,
  },
  { name: 'TikTok', hosts: ['tiktok.com'], path: /^\/(@[A-Za-z0-9_.]{2,24})$/, foldCase: true },
  {
    name: 'VK',
    hosts: ['vk.com'],
    path: /^\/([A-Za-z0-9_.]{2,32})$/,
    reserved: ['share.php', 'login', 'away.php'],
    foldCase: true,
  },
  { name: 'Discord', hosts: ['discord.gg'], path: /^\/([A-Za-z0-9-]{2,32})$/, foldCase: false },
  { name: 'WhatsApp', hosts: ['wa.me'], path: /^\/([0-9]{6,15})$/, foldCase: false },
  { name: 'Pinterest', hosts: ['pinterest.com'], path: /^\/([A-Za-z0-9_]{3,30})$/, reserved: ['pin'], foldCase: true },
  { name: 'Reddit', hosts: ['reddit.com'], path: /^\/((?:user|u|r)\/[A-Za-z0-9_-]{2,30})$/, foldCase: true },
];

/** The social profile a link points at, or undefined when it is not one (share buttons included). */
export function socialOf(href: string): SocialProfile | undefined {
  let url: URL;
  try {
    url = new URL(href.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const host = url.hostname.toLowerCase().replace(/^(?:www|m|mobile)\./, '');
  const platform = PLATFORMS.find((p) => p.hosts.includes(host));
  if (!platform) return undefined;
  const raw = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
  const path = platform.foldCase ? raw.toLowerCase() : raw;
  const m = platform.path.exec(path);
  if (!m) return undefined;
  const handle = m[1] as string;
  if (platform.reserved?.includes(handle.toLowerCase().split('/')[0] as string)) return undefined;
  return { platform: platform.name, url: `https://${host}${path}`, handle };
}

export function socialsOf(hrefs: readonly string[], limit = CONTACT_LIMITS.maxSocials): SocialProfile[] {
  const found = new Map<string, SocialProfile>();
  for (const href of hrefs) {
    if (found.size >= limit) break;
    const profile = socialOf(href);
    if (profile && !found.has(profile.url)) found.set(profile.url, profile);
  }
  return [...found.values()];
}
