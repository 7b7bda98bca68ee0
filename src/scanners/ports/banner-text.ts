// Banners are written by whoever runs the server, an adversary included: they are kept as one
// line of printable ASCII, every other byte escaped, so no control sequence, bidi override or
// invalid UTF-8 reaches a terminal, a log or the UI, and the bytes can still be read back exactly.

const HEX = '0123456789abcdef';

/** Printable ASCII as is; `\` as `\\`; CR, LF and tab as `\r`, `\n`, `\t`; any other byte as `\xHH`. */
export function escapeBanner(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) {
    if (byte === 0x5c) out += '\\\\';
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else if (byte === 0x0d) out += '\\r';
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x09) out += '\\t';
    else out += `\\x${HEX[byte >> 4]}${HEX[byte & 15]}`;
  }
  return out;
}

/** The bytes as characters one for one (Latin-1), for signatures written against the wire format. */
export function bannerChars(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
