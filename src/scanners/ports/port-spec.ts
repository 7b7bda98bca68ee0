// The `ports` option: the analyst's own list, "22,80,8000-8100", with "default" for the shipped
// list. User input: parsed strictly (decimal ports 1-65535, ranges low-high) and capped, and
// every bad entry is named instead of being skipped.
import { DEFAULT_PORTS } from './port-table';

/** The most ports one run scans on an address. */
export const MAX_PORTS = 1024;
/** Longer option text is refused before it is read. */
const MAX_SPEC_LENGTH = 10_000;

export type PortSpecResult = { ok: true; ports: number[] } | { ok: false; errors: string[] };

const PORT = /^[1-9][0-9]{0,4}$/;

/** An entry as it can be shown in an error: bounded, control characters made visible. */
function shown(entry: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
  const clean = entry.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}

function portOf(text: string): number | undefined {
  if (!PORT.test(text)) return undefined;
  const port = Number(text);
  return port <= 65535 ? port : undefined;
}

/**
 * The ports `spec` names, sorted and without repeats. Entries are separated by commas or
 * whitespace; an empty spec is the shipped list.
 */
export function parsePortSpec(spec: string, defaults: readonly number[] = DEFAULT_PORTS): PortSpecResult {
  if (spec.length > MAX_SPEC_LENGTH)
    return { ok: false, errors: [`the port list is over ${MAX_SPEC_LENGTH} characters`] };
  const entries = spec.split(/[\s,]+/).filter((e) => e !== '');
  if (entries.length === 0) return { ok: true, ports: [...defaults] };
  const ports = new Set<number>();
  const errors: string[] = [];
  for (const entry of entries) {
    if (entry.toLowerCase() === 'default') {
      for (const port of defaults) ports.add(port);
      continue;
    }
    const dash = entry.indexOf('-');
    const low = portOf(dash < 0 ? entry : entry.slice(0, dash));
    const high = dash < 0 ? low : portOf(entry.slice(dash + 1));
    if (low === undefined || high === undefined) {
      errors.push(`"${shown(entry)}" is not a port (1-65535) or a range like 8000-8100`);
      continue;
    }
    if (low > high) {
      errors.push(`"${shown(entry)}" is a range from high to low`);
      continue;
    }
    if (high - low + 1 > MAX_PORTS) {
      errors.push(`"${shown(entry)}" names ${high - low + 1} ports; at most ${MAX_PORTS} are scanned`);
      continue;
    }
    for (let port = low; port <= high; port++) ports.add(port);
  }
  if (errors.length === 0 && ports.size > MAX_PORTS) {
    errors.push(`the list names ${ports.size} ports; at most ${MAX_PORTS} are scanned`);
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, ports: [...ports].sort((a, b) => a - b) };
}
