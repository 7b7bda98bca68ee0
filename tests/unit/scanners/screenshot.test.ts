// The screenshot scanner's rules that need no browser: options, which targets are refused (by
// address, by what a name resolves to, in the lab), where Chromium is looked for, and how
// responses are handed to the page.
import { describe, expect, it } from 'vitest';
import { hostRefusal } from '../../../src/scanners/kit/host-refusal';
import { fulfilHeaders } from '../../../src/scanners/screenshot/bridge';
import { findChromium } from '../../../src/scanners/screenshot/chromium';
import { parseOptions } from '../../../src/scanners/screenshot/options';
import { pngSize, startUrls } from '../../../src/scanners/screenshot/scanner';
import { type LabWiring, scanPolicy } from '../../../src/shared/scanner';
import { fakeNet } from '../../helpers/scanner-harness';

const signal = new AbortController().signal;
const zone: Record<string, { A?: string[]; AAAA?: string[]; fail?: boolean }> = {
  'public.example': { A: ['93.184.216.34'] },
  'printer.example': { A: ['93.184.216.34'], AAAA: ['fe80::1'] },
  'rebind.example': { A: ['192.168.1.10'] },
  'lab.example': { A: ['203.0.113.66'] },
  'broken.example': { fail: true },
};
const net = fakeNet((name, type) => {
  const entry = zone[name];
  if (entry?.fail) return new Error('timed out');
  const data = type === 'A' || type === 'AAAA' ? (entry?.[type] ?? []) : [];
  return {
    answers: data.map((address) => ({ name, type, ttl: 60, data: address })),
    rcode: entry ? 'NOERROR' : 'NXDOMAIN',
  };
});
const lab: LabWiring = {
  routes: [{ address: '203.0.113.66', port: 80, proto: 'tcp', to: { host: '127.0.0.1', port: 4000 } }],
  unrouted: 'refuse',
  traceroutes: [],
};
const denied = { net, policy: scanPolicy({ allowInternal: false }) };

describe('screenshot options', () => {
  it('fills defaults and keeps values within bounds', () => {
    expect(parseOptions({}, false)).toEqual({
      chromiumPath: '',
      width: 1280,
      height: 800,
      maxHeight: 10_000,
      timeoutMs: 20_000,
      sandbox: true,
      javaScript: true,
    });
    expect(parseOptions({ width: 800, maxHeight: 30_000, timeoutMs: 1000, sandbox: false }, false)).toMatchObject({
      width: 800,
      maxHeight: 30_000,
      timeoutMs: 1000,
      sandbox: false,
      javaScript: true,
    });
  });

  it('as root, where Chromium cannot sandbox, turns the scripts off instead, unless the sandbox was declined', () => {
    expect(parseOptions({}, true)).toMatchObject({ sandbox: false, javaScript: false });
    expect(parseOptions({ sandbox: false }, true)).toMatchObject({ sandbox: false, javaScript: true });
  });

  it('refuses values out of bounds or of the wrong type, naming the option', () => {
    expect(() => parseOptions({ maxHeight: 30_001 }, false)).toThrow(
      'option maxHeight must be a whole number from 240 to 30000; got 30001',
    );
    expect(() => parseOptions({ width: 100.5 }, false)).toThrow(/option width/);
    expect(() => parseOptions({ timeoutMs: '5000' }, false)).toThrow(/option timeoutMs .* got "5000"/);
    expect(() => parseOptions({ chromiumPath: 3 }, false)).toThrow('option chromiumPath must be a path');
    expect(() => parseOptions({ sandbox: 'no' }, false)).toThrow('option sandbox must be true or false');
  });
});

describe('screenshot target refusal', () => {
  it('refuses private, loopback, link-local and other non-public addresses given as such', async () => {
    expect(await hostRefusal('127.0.0.1', denied, signal)).toBe('127.0.0.1 is a loopback address');
    expect(await hostRefusal('10.1.2.3', denied, signal)).toBe('10.1.2.3 is a private address');
    expect(await hostRefusal('169.254.169.254', denied, signal)).toBe('169.254.169.254 is a linkLocal address');
    expect(await hostRefusal('[::1]', denied, signal)).toBe('::1 is a loopback address');
    expect(await hostRefusal('[::ffff:7f00:1]', denied, signal)).toBe('::ffff:7f00:1 is a ipv4Mapped address');
    expect(await hostRefusal('0.0.0.0', denied, signal)).toBe('0.0.0.0 is a unspecified address');
    expect(await hostRefusal('93.184.216.34', denied, signal)).toBeUndefined();
  });

  it('judges a name by every address it resolves to, and refuses one it cannot resolve', async () => {
    expect(await hostRefusal('public.example', denied, signal)).toBeUndefined();
    expect(await hostRefusal('printer.example', denied, signal)).toBe(
      'printer.example resolves to fe80::1 is a linkLocal address',
    );
    expect(await hostRefusal('rebind.example', denied, signal)).toBe(
      'rebind.example resolves to 192.168.1.10 is a private address',
    );
    expect(await hostRefusal('nowhere.example', denied, signal)).toBe('nowhere.example has no address');
    expect(await hostRefusal('broken.example', denied, signal)).toMatch(
      /^broken\.example could not be resolved to check it: timed out/,
    );
  });

  it('allows internal addresses when the case does, and scenario addresses in the lab but not real loopback', async () => {
    const allowed = { net, policy: scanPolicy({ allowInternal: true }) };
    expect(await hostRefusal('rebind.example', allowed, signal)).toBeUndefined();
    expect(await hostRefusal('127.0.0.1', allowed, signal)).toBeUndefined();
    const inLab = { net, policy: scanPolicy({ allowInternal: false }, lab) };
    expect(await hostRefusal('lab.example', inLab, signal)).toBeUndefined();
    expect(await hostRefusal('lab.example', denied, signal)).toBe(
      'lab.example resolves to 203.0.113.66 is a reserved address',
    );
    expect(await hostRefusal('127.0.0.1', inLab, signal)).toBe('127.0.0.1 is a loopback address');
  });

  it('starts a domain over HTTPS then HTTP, takes http(s) URLs as given, and refuses other schemes', () => {
    expect(startUrls({ type: 'domain', value: 'Nova-Parcels.com' })).toEqual([
      'https://nova-parcels.com/',
      'http://nova-parcels.com/',
    ]);
    expect(startUrls({ type: 'url', value: 'https://a.example/x?y#z' })).toEqual(['https://a.example/x?y#z']);
    expect(() => startUrls({ type: 'url', value: 'file:///etc/passwd' })).toThrow(
      'only http and https pages are captured, not file:',
    );
    expect(() => startUrls({ type: 'url', value: 'not a url' })).toThrow('"not a url" is not a URL');
  });
});

describe('finding Chromium', () => {
  const only =
    (...paths: string[]) =>
    (path: string) =>
      paths.includes(path);

  it('takes the option, then TRACEGRAPH_CHROMIUM, then the first known path', () => {
    expect(findChromium('/opt/c', { TRACEGRAPH_CHROMIUM: '/env/c' }, only('/opt/c', '/env/c'))).toBe('/opt/c');
    expect(findChromium('', { TRACEGRAPH_CHROMIUM: '/env/c' }, only('/env/c', '/usr/bin/chromium'))).toBe('/env/c');
    expect(findChromium('', {}, only('/usr/bin/google-chrome', '/usr/bin/chromium-browser'))).toBe(
      '/usr/bin/chromium-browser',
    );
  });

  it('says which setting names a missing file, or how to provide one when none is found', () => {
    expect(() => findChromium('/opt/c', {}, only())).toThrow(
      'the chromiumPath option names /opt/c, which does not exist',
    );
    expect(() => findChromium('', { TRACEGRAPH_CHROMIUM: '/env/c' }, only())).toThrow(
      'TRACEGRAPH_CHROMIUM names /env/c, which does not exist',
    );
    expect(() => findChromium('', {}, only())).toThrow(
      /no Chromium or Chrome found: set the chromiumPath option or the TRACEGRAPH_CHROMIUM environment variable/,
    );
  });
});

describe('handing responses to the page', () => {
  it('merges repeated headers, keeps each Set-Cookie on its own line, and drops framing and control characters', () => {
    expect(
      fulfilHeaders([
        ['Content-Type', 'text/html'],
        ['Set-Cookie', 'a=1'],
        ['set-cookie', 'b=2'],
        ['Vary', 'Accept'],
        ['Vary', 'Cookie'],
        ['Content-Length', '999'],
        ['Transfer-Encoding', 'chunked'],
        ['X-Evil', 'x\r\nInjected: 1'],
        ['bad name', 'x'],
      ]),
    ).toEqual({
      'content-type': 'text/html',
      'set-cookie': 'a=1\nb=2',
      vary: 'Accept, Cookie',
      'x-evil': 'xInjected: 1',
    });
  });

  it('reads the size from a PNG header and refuses anything else', () => {
    const png = Buffer.alloc(24);
    Buffer.from('\x89PNG\r\n\x1a\n\0\0\0\rIHDR', 'latin1').copy(png);
    png.writeUInt32BE(1280, 16);
    png.writeUInt32BE(2600, 20);
    expect(pngSize(png)).toEqual({ width: 1280, height: 2600 });
    expect(() => pngSize(Buffer.from('GIF89a'))).toThrow('the capture is not a PNG');
  });
});
