// The "tag=value; tag=value" lists DKIM key records and DMARC records are written in
// (RFC 6376 §3.2, RFC 7489 §6.4): split, bounded, and each piece checked to be a pair.
export const MAX_TAGS = 50;
export const MAX_ERRORS = 20;

export interface Tag {
  /** Position in the list, counting empty pieces (v= must be the first). */
  index: number;
  name: string;
  value: string;
  /** The piece as written, for messages. */
  part: string;
}

/** An error collector that keeps at most MAX_ERRORS messages. */
export function errorSink(errors: string[]): (message: string) => void {
  return (message) => {
    if (errors.length < MAX_ERRORS) errors.push(message);
  };
}

/**
 * The well-formed tags of a list, in order; pieces that are not `name=value` with a name
 * matching `namePattern` are reported and skipped. `lowercase` folds names (DMARC's are
 * case-insensitive; DKIM's are not). Lazy, so problems are reported in the order of the list.
 */
export function* parseTagList(
  text: string,
  options: { namePattern: RegExp; lowercase: boolean; error: (message: string) => void },
): Generator<Tag> {
  const { namePattern, lowercase, error } = options;
  const parts = text.split(';');
  if (parts.length - 1 > MAX_TAGS) error(`the record has ${parts.length} tags; only the first ${MAX_TAGS} were read`);
  for (const [index, raw] of parts.slice(0, MAX_TAGS + 1).entries()) {
    const part = raw.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    const written = (eq < 0 ? part : part.slice(0, eq)).trim();
    const name = lowercase ? written.toLowerCase() : written;
    const value = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (eq < 0 || !namePattern.test(name)) {
      error(`"${part.slice(0, 60)}" is not a tag=value pair`);
      continue;
    }
    yield { index, name, value, part };
  }
}
