import { describe, expect, it } from 'vitest';
import { HEX_LIMIT, hexDump, renderEvidence, TEXT_LIMIT } from '../../../src/core/store/evidence-text';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('renderEvidence', () => {
  it('shows UTF-8 as text', () => {
    expect(renderEvidence(bytes('héllo <script>'), 15)).toEqual({ text: 'héllo <script>', truncated: false });
  });

  it('cuts long text at the limit without splitting a character', () => {
    // 'é' is two bytes; placed so that the limit falls between them.
    const content = bytes(`${'a'.repeat(TEXT_LIMIT - 1)}é${'b'.repeat(10)}`);
    const shown = renderEvidence(content.subarray(0, TEXT_LIMIT + 4), content.length);
    expect(shown.truncated).toBe(true);
    expect(shown.text).toBe('a'.repeat(TEXT_LIMIT - 1));
  });

  it('shows content with NUL bytes or invalid UTF-8 as a hex dump', () => {
    expect(renderEvidence(new Uint8Array([0x41, 0x00, 0x42]), 3).text).toBe(hexDump(new Uint8Array([0x41, 0, 0x42])));
    const invalid = renderEvidence(new Uint8Array([0xff, 0xfe, 0x41]), 3);
    expect(invalid.text.startsWith('00000000  ff fe 41')).toBe(true);
    expect(invalid.truncated).toBe(false);
  });

  it('bounds the hex dump and says so', () => {
    const content = new Uint8Array(HEX_LIMIT * 2).fill(0);
    const shown = renderEvidence(content, content.length);
    expect(shown.truncated).toBe(true);
    expect(shown.text.split('\n')).toHaveLength(HEX_LIMIT / 16);
  });

  it('formats offset, hex in two groups of eight, and printable ASCII', () => {
    const dump = hexDump(bytes('GET / HTTP/1.1\r\nHost'));
    expect(dump.split('\n')).toEqual([
      '00000000  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  |GET / HTTP/1.1..|',
      '00000010  48 6f 73 74                                       |Host|',
    ]);
  });
});
