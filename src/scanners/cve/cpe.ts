// The CPE 2.3 name a technology carries, checked before NVD is asked: a name without a version
// ("any version") would list every CVE the product ever had, so it is refused, never guessed at.
import type { JsonValue } from '../../shared/model';

const PREFIX = 'cpe:2.3:';
/** part, vendor, product, version, update, edition, language, sw_edition, target_sw, target_hw, other */
const COMPONENTS = 11;
const MAX_LENGTH = 1000;

/**
 * 4 to 11 components after "cpe:2.3:", none empty; a backslash escapes the next character, so "\:"
 * stays inside a component. The alternatives cannot both match one character: no backtracking blow-up.
 */
const NAME = /^(?:\\.|[^\\:])+(?::(?:\\.|[^\\:])+){3,10}$/;
const COMPONENT = /(?:\\.|[^\\:])+/g;

/**
 * The full 13-part CPE name to ask NVD about (components left out read as "*", as CPE defines),
 * or null when `value` is no CPE 2.3 name naming a product and a version.
 */
export function versionedCpe(value: JsonValue | undefined): string | null {
  if (typeof value !== 'string' || value.length > MAX_LENGTH || !value.startsWith(PREFIX)) return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a CPE name is printable ASCII without spaces
  if (/[\u0000-\u0020\u007f-\uffff]/.test(value)) return null;
  const body = value.slice(PREFIX.length);
  if (!NAME.test(body)) return null;
  const parts: string[] = [...(body.match(COMPONENT) ?? [])];
  const [part, vendor, product, version] = parts;
  if (!/^[aho]$/.test(part ?? '') || vendor === '*' || product === '*') return null;
  if (version === '*' || version === '-') return null;
  while (parts.length < COMPONENTS) parts.push('*');
  return PREFIX + parts.join(':');
}
