// What a page's markup shows beyond its text: inline scripts, the other domains it loads scripts
// from, subresources fetched over plain HTTP from an HTTPS page (mixed content), forms that post
// over plain HTTP, and the links and text the contact extractors read. One bounded pass.
import { canonicalValue } from '../../shared/target';
import { absoluteUrl } from '../tech/features';
import { type HtmlTag, parseHtml } from '../tech/html';
import { sameSite } from '../tech/page';
import { emailsOf, phonesOf, type SocialProfile, socialsOf } from './contacts';

export interface MixedResource {
  tag: string;
  url: string;
  /** Scripts, frames, stylesheets and plugins can rewrite the page; images and media cannot. */
  active: boolean;
}

export interface InsecureForm {
  action: string;
  method: string;
  fields: string[];
  /** A field asks for a password, card or other secret. */
  secret: boolean;
  /** The form posts to another site. */
  elsewhere: boolean;
}

export interface PageContent {
  inlineScripts: number;
  /** Script hosts on other sites (domains canonical), with one src each. */
  scriptDomains: { domain: string; src: string }[];
  mixed: MixedResource[];
  insecureForms: InsecureForm[];
  socials: SocialProfile[];
  emails: string[];
  phones: string[];
  capped: boolean;
}

export const CONTENT_LIMITS = { maxScriptDomains: 200, maxMixed: 200, maxForms: 50, maxFields: 50, maxLinks: 5_000 };

const WANTED = new Set([
  'base',
  'script',
  'link',
  'img',
  'iframe',
  'frame',
  'audio',
  'video',
  'source',
  'track',
  'object',
  'embed',
  'form',
  'input',
  'select',
  'textarea',
  'a',
  'area',
]);
/** Where each subresource tag keeps its URL. */
const RESOURCE_ATTR: Record<string, string> = {
  script: 'src',
  img: 'src',
  iframe: 'src',
  frame: 'src',
  audio: 'src',
  video: 'src',
  source: 'src',
  track: 'src',
  embed: 'src',
  object: 'data',
};
const ACTIVE = new Set(['script', 'iframe', 'frame', 'object', 'embed', 'link']);
/** Inline script types that are not run as JavaScript (data blocks, templates). */
const DATA_SCRIPT = /json|template|html|text\/x-|plain/;
const SECRET_FIELD = /pass|pwd|card|cc-?num|cvv|cvc|ccv|expir|iban|ssn|pin\b|otp|secret|token/i;

function resourceUrl(tag: HtmlTag): string | undefined {
  if (tag.name === 'link') {
    const rel = (tag.attrs.get('rel') ?? '').toLowerCase();
    return /stylesheet|preload|modulepreload|icon|manifest/.test(rel) ? tag.attrs.get('href') : undefined;
  }
  const attr = RESOURCE_ATTR[tag.name];
  return attr ? tag.attrs.get(attr) : undefined;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return undefined;
  }
}

function formOf(tag: HtmlTag, base: string, pageHost: string): InsecureForm | undefined {
  const action = absoluteUrl(tag.attrs.get('action') ?? '', base);
  if (!action?.startsWith('http:')) return undefined;
  const host = hostOf(action) ?? '';
  return {
    action,
    method: (tag.attrs.get('method') ?? 'get').toUpperCase().slice(0, 10),
    fields: [],
    secret: false,
    elsewhere: !sameSite(host, pageHost),
  };
}

/** Reads a page's markup. `pageUrl` is where it was fetched from (relative URLs resolve against it). */
export function extractContent(html: string, pageUrl: string): PageContent {
  const parsed = parseHtml(html, WANTED);
  const pageHost = hostOf(pageUrl) ?? '';
  const https = pageUrl.startsWith('https:');
  let base = pageUrl;
  const scriptDomains = new Map<string, string>();
  const mixed: MixedResource[] = [];
  const forms: InsecureForm[] = [];
  // Fields belong to the form opened last (closing tags are not tracked): close enough for names.
  let form: InsecureForm | undefined;
  const hrefs: string[] = [];
  const mailtos: string[] = [];
  const tels: string[] = [];
  let capped = parsed.capped;
  for (const tag of parsed.tags) {
    if (tag.name === 'base' && base === pageUrl) base = absoluteUrl(tag.attrs.get('href') ?? '', pageUrl) ?? pageUrl;
    if (tag.name === 'a' || tag.name === 'area') {
      const href = (tag.attrs.get('href') ?? '').trim();
      if (hrefs.length + mailtos.length + tels.length >= CONTENT_LIMITS.maxLinks) capped = true;
      else if (/^mailto:/i.test(href)) mailtos.push(href);
      else if (/^tel:/i.test(href)) tels.push(href);
      else if (href !== '') hrefs.push(absoluteUrl(href, base) ?? href);
      continue;
    }
    if (tag.name === 'form') {
      form = formOf(tag, base, pageHost);
      if (form && forms.length < CONTENT_LIMITS.maxForms) forms.push(form);
      continue;
    }
    if (tag.name === 'input' || tag.name === 'select' || tag.name === 'textarea') {
      if (!form) continue;
      const name = (tag.attrs.get('name') ?? tag.attrs.get('id') ?? '').slice(0, 100);
      const type = (tag.attrs.get('type') ?? '').toLowerCase();
      const autocomplete = tag.attrs.get('autocomplete') ?? '';
      if (name !== '' && form.fields.length < CONTENT_LIMITS.maxFields) form.fields.push(name);
      if (type === 'password' || SECRET_FIELD.test(name) || /cc-|password/.test(autocomplete)) form.secret = true;
      continue;
    }
    const ref = resourceUrl(tag);
    if (ref === undefined || ref.trim() === '') continue;
    const url = absoluteUrl(ref, base);
    if (!url) continue;
    if (https && url.startsWith('http:') && mixed.length < CONTENT_LIMITS.maxMixed) {
      mixed.push({ tag: tag.name, url, active: ACTIVE.has(tag.name) });
    }
    if (tag.name !== 'script') continue;
    const host = hostOf(url);
    const domain = host ? canonicalValue('domain', host) : undefined;
    if (domain && !sameSite(domain, pageHost) && !scriptDomains.has(domain)) {
      if (scriptDomains.size < CONTENT_LIMITS.maxScriptDomains) scriptDomains.set(domain, url);
      else capped = true;
    }
  }
  const inlineScripts = parsed.inlineScripts.filter((s) => !DATA_SCRIPT.test(s.type)).length;
  return {
    inlineScripts,
    scriptDomains: [...scriptDomains].map(([domain, src]) => ({ domain, src })),
    mixed,
    insecureForms: forms,
    socials: socialsOf(hrefs),
    emails: emailsOf(parsed.text, mailtos),
    phones: phonesOf(parsed.text, tels),
    capped,
  };
}
