// Payloads a scenario sends (banners, HTTP bodies and header values, TXT data, WHOIS text) are a
// string, sent as UTF-8, or { "base64": "..." }, sent as exactly those bytes: JSON strings cannot
// carry invalid UTF-8, and the hostile scenario must serve it.
import * as z from 'zod';

/** Standard base64 (RFC 4648 section 4) with padding and no whitespace. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export type Payload = string | { base64: string };

/**
 * A payload of at most `maxLength` characters as a string or `maxLength` bytes as base64. The
 * base64 is strict: an unused bit set in the last character (which decoders drop silently) is
 * refused too, so every accepted string decodes to one byte sequence and encodes back to itself.
 */
export function payload(maxLength: number) {
  const base64 = z
    .string()
    .max(Math.ceil(maxLength / 3) * 4, `longer than ${maxLength} bytes`)
    .regex(BASE64, 'not base64: A-Z, a-z, 0-9, + and / in groups of four, = padding, no spaces')
    .superRefine((text, ctx) => {
      if (!BASE64.test(text)) return; // said above
      const bytes = Buffer.from(text, 'base64');
      if (bytes.toString('base64') !== text) {
        ctx.addIssue({
          code: 'custom',
          message: 'not canonical base64: the last character sets bits that are not used',
        });
      } else if (bytes.length > maxLength) {
        ctx.addIssue({ code: 'custom', message: `longer than ${maxLength} bytes` });
      }
    });
  return z.union(
    [
      z.string().max(maxLength),
      z.object({ base64 }).strict().describe('Bytes, base64-encoded: for invalid UTF-8, NUL and other raw bytes.'),
    ],
    { error: 'expected a string (sent as UTF-8) or { "base64": "..." } (sent as those bytes)' },
  );
}

/** The bytes a payload stands for. */
export function payloadBytes(value: Payload): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.base64, 'base64');
}
