// What a node says on the canvas: a caption short enough that ~150 of them fit on a screen without
// covering each other, chosen per type so the part an analyst recognises survives the cut (the
// end of a host name, a certificate's subject, a technology's version). The whole value is in the
// hover card and the side panel. Everything here is text for canvas labels and React text nodes:
// scan data is hostile, so nothing is ever interpreted as markup.
import type { Entity } from '../../shared/model';
import { displayValue, shortLabel } from './graph';

/** Longest caption, in characters. */
export const CAPTION_MAX = 24;

/** The text with control and bidi characters blanked (see shortLabel), uncut. */
const clean = (text: string): string => shortLabel(text, Number.POSITIVE_INFINITY);

/** Cut from the end: names whose start matters (organisations, registrars, places). */
export function endEllipsis(text: string, max = CAPTION_MAX): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

/**
 * Cut from the middle, keeping more of the end: a host name's registrable domain and an
 * address's last groups are what tell two nodes apart.
 */
export function middleEllipsis(text: string, max = CAPTION_MAX): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const tail = Math.ceil((max - 1) * 0.6);
  const head = max - 1 - tail;
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - tail).join('')}`;
}

/**
 * Cut a dotted name (host, e-mail address) keeping whole labels from the end, as many as fit
 * beside a short head: "admin…nova-parcels.com" tells more than "admin.nov…ls.com".
 */
export function nameEllipsis(text: string, max = CAPTION_MAX): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const room = max - 1 - 4;
  let cut = -1;
  for (let i = chars.length - 1; i > 0; i--) {
    if (chars.length - i - 1 > room) break;
    if (chars[i] === '.' || chars[i] === '@') cut = i;
  }
  if (cut < 0) return middleEllipsis(text, max);
  // The ellipsis stands for the dot; an address keeps its "@".
  const tail = chars.slice(chars[cut] === '.' ? cut + 1 : cut);
  return `${chars.slice(0, max - 1 - tail.length).join('')}…${tail.join('')}`;
}

const stringProp = (props: Entity['props'], key: string): string | undefined => {
  const v = props[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

const firstString = (props: Entity['props'], key: string): string | undefined => {
  const v = props[key];
  return Array.isArray(v) && typeof v[0] === 'string' && v[0] !== '' ? v[0] : undefined;
};

/** The subject's common name from a distinguished name as the TLS scanner writes it ("CN=x, O=y"). */
export function commonName(subject: string): string | undefined {
  const m = /(?:^|[,/+]\s*)CN\s*=\s*([^,/+]+)/i.exec(subject);
  const cn = m?.[1]?.trim();
  return cn === undefined || cn === '' ? undefined : cn;
}

function certificateCaption(entity: Pick<Entity, 'value' | 'props'>): string {
  const hex = /^sha256:([0-9a-f]{64})$/.exec(entity.value)?.[1];
  const subject = stringProp(entity.props, 'subject');
  const name =
    (subject === undefined ? undefined : commonName(subject)) ??
    firstString(entity.props, 'sans') ??
    firstString(entity.props, 'names');
  if (hex === undefined) return nameEllipsis(clean(name ?? entity.value));
  // Renewals share a name: a few fingerprint digits tell them apart.
  const short = hex.slice(0, 4);
  if (name === undefined) return `sha256 ${hex.slice(0, 8)}`;
  return `${nameEllipsis(clean(name), CAPTION_MAX - short.length - 3)} · ${short}`;
}

function technologyCaption(entity: Pick<Entity, 'value' | 'props'>): string {
  const name = stringProp(entity.props, 'name');
  const version = stringProp(entity.props, 'version');
  if (name === undefined) return middleEllipsis(clean(entity.value));
  if (version === undefined) return endEllipsis(clean(name));
  // The version is the point of a technology node (one node per version): keep all of it that fits.
  const v = endEllipsis(clean(version), 10);
  return `${endEllipsis(clean(name), CAPTION_MAX - v.length - 1)}@${v}`;
}

/** The node's caption on the canvas. */
export function nodeCaption(entity: Pick<Entity, 'type' | 'value' | 'props'>): string {
  switch (entity.type) {
    case 'certificate':
      return certificateCaption(entity);
    case 'technology':
      return technologyCaption(entity);
    case 'url':
      return middleEllipsis(clean(entity.value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')));
    case 'domain':
    case 'email':
      return nameEllipsis(clean(displayValue(entity)));
    case 'organization':
    case 'registrar':
    case 'location':
      return endEllipsis(clean(entity.value));
    default:
      return middleEllipsis(clean(displayValue(entity)));
  }
}

/** The hover card's lines: the whole value (and the stored ASCII form when a Unicode one is shown). */
export function nodeDetail(entity: Pick<Entity, 'type' | 'value' | 'props'>, max = 400): string[] {
  const shown = displayValue(entity);
  const lines = [shortLabel(shown, max)];
  if (shown !== entity.value) lines.push(shortLabel(entity.value, max));
  if (entity.type === 'certificate') {
    const subject = stringProp(entity.props, 'subject');
    if (subject !== undefined) lines.push(shortLabel(subject, max));
  }
  return lines;
}
