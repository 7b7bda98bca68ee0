import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatHostPort, parseProxyUrl, parseServer } from '../../../src/core/net/address';

describe('parseServer', () => {
  it('reads host, host:port and [v6]:port', () => {
    expect(parseServer('127.0.0.1')).toEqual({ host: '127.0.0.1', port: 53 });
    expect(parseServer('127.0.0.1:5353')).toEqual({ host: '127.0.0.1', port: 5353 });
    expect(parseServer('[::1]:5353')).toEqual({ host: '::1', port: 5353 });
    expect(parseServer('[2001:db8::1]')).toEqual({ host: '2001:db8::1', port: 53 });
    expect(parseServer('2001:db8::1')).toEqual({ host: '2001:db8::1', port: 53 });
    expect(parseServer('localhost:53')).toEqual({ host: '127.0.0.1', port: 53 });
  });

  it('refuses names and bad ports', () => {
    expect(() => parseServer('dns.google')).toThrow(/must be an IP address/);
    expect(() => parseServer('127.0.0.1:0')).toThrow(/outside 1-65535/);
    expect(() => parseServer('127.0.0.1:99999')).toThrow(/outside/);
    expect(() => parseServer('127.0.0.1:x')).toThrow(/invalid port/);
  });

  it('round-trips through formatHostPort and only ever throws Errors', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), fc.integer({ min: 1, max: 65535 }), (host, port) => {
        const parsed = parseServer(formatHostPort({ host, port }));
        expect(parsed.port).toBe(port);
        expect(formatHostPort(parsed)).toBe(formatHostPort({ host: parsed.host, port }));
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        try {
          const parsed = parseServer(text);
          expect(parsed.port).toBeGreaterThan(0);
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
        }
      }),
    );
  });
});

describe('parseProxyUrl', () => {
  it('reads socks5 URLs with and without credentials', () => {
    expect(parseProxyUrl('socks5://127.0.0.1:1080')).toEqual({ host: '127.0.0.1', port: 1080 });
    expect(parseProxyUrl('socks5h://user:p%40ss@localhost:9050')).toEqual({
      host: '127.0.0.1',
      port: 9050,
      username: 'user',
      password: 'p@ss',
    });
    expect(parseProxyUrl('socks5://[::1]:1080')).toEqual({ host: '::1', port: 1080 });
  });

  it('refuses other schemes, missing ports and proxy names that need local DNS', () => {
    expect(() => parseProxyUrl('http://127.0.0.1:8080')).toThrow(/only socks5/);
    expect(() => parseProxyUrl('socks5://127.0.0.1')).toThrow(/needs a port/);
    expect(() => parseProxyUrl('socks5://proxy.example:1080')).toThrow(/must be an IP address/);
    expect(() => parseProxyUrl('not a url')).toThrow(/not a URL/);
  });
});
