// When a banner is whole, so a read stops as soon as the server has said its piece instead of
// waiting out the timeout on every open port.
import { bannerChars } from './banner-text';

/** A greeting ends with a line that is not a continuation ("220-" lines announce more). */
export function greetingComplete(bytes: Uint8Array): boolean {
  // MySQL greets with one binary packet: a 3-byte little-endian length, a sequence number, protocol 10.
  if (bytes.length >= 5 && bytes[3] === 0 && bytes[4] === 0x0a) {
    const length = (bytes[0] ?? 0) | ((bytes[1] ?? 0) << 8) | ((bytes[2] ?? 0) << 16);
    if (bytes.length >= 4 + length) return true;
  }
  if (bytes.at(-1) !== 0x0a) return false;
  const lines = bannerChars(bytes).split('\n');
  const last = lines[lines.length - 2] ?? '';
  return !/^[0-9]{3}-/.test(last);
}

/** An HTTP response head ends with an empty line. */
export function headComplete(bytes: Uint8Array): boolean {
  const text = bannerChars(bytes);
  return text.includes('\r\n\r\n') || text.includes('\n\n');
}
