// How evidence is shown: valid UTF-8 without NUL bytes is text (bounded at TEXT_LIMIT bytes, cut
// on a character boundary); anything else is a hex dump of its first HEX_LIMIT bytes. The text is
// adversary-written and is only ever displayed as text.

export const TEXT_LIMIT = 64 * 1024;
export const HEX_LIMIT = 8 * 1024;

/** Bytes to read from the store to render a piece of evidence: a few past the limit, to see
 * whether the limit splits a character. */
export const RENDER_READ_LIMIT = TEXT_LIMIT + 4;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * @param head the first bytes of the content (at least min(size, TEXT_LIMIT) of them)
 * @param size the full content size
 */
export function renderEvidence(head: Uint8Array, size: number): { text: string; truncated: boolean } {
  const asText = tryText(head, size);
  if (asText !== undefined) return asText;
  const shown = head.subarray(0, Math.min(head.length, HEX_LIMIT));
  return { text: hexDump(shown), truncated: size > shown.length };
}

function tryText(head: Uint8Array, size: number): { text: string; truncated: boolean } | undefined {
  let end = Math.min(head.length, TEXT_LIMIT, size);
  const truncated = size > end;
  // Step back over a multi-byte character split by the limit (continuation bytes are 10xxxxxx).
  if (truncated) {
    let back = end;
    while (back > 0 && back > end - 4 && ((head[back] ?? 0) & 0xc0) === 0x80) back -= 1;
    end = back;
  }
  const slice = head.subarray(0, end);
  if (slice.includes(0)) return undefined;
  try {
    return { text: utf8.decode(slice), truncated };
  } catch {
    return undefined;
  }
}

/** Classic hex dump: offset, 16 bytes in hex, and their printable ASCII. */
export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const row = bytes.subarray(offset, offset + 16);
    const hex: string[] = [];
    let ascii = '';
    for (let i = 0; i < 16; i += 1) {
      const b = row[i];
      hex.push(b === undefined ? '  ' : b.toString(16).padStart(2, '0'));
      if (b !== undefined) ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    lines.push(
      `${offset.toString(16).padStart(8, '0')}  ${hex.slice(0, 8).join(' ')}  ${hex.slice(8).join(' ')}  |${ascii}|`,
    );
  }
  return lines.join('\n');
}
