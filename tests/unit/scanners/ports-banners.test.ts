// Banners are hostile bytes: kept as escaped printable text that reads back exactly, matched by
// signatures that cannot backtrack catastrophically, and named as the tech scanner names the same
// products (slug@version, CPE 2.3) so a CVE lookup pivots on one node.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import banners from '../../../resources/ports/banners.json';
import { greetingComplete, headComplete } from '../../../src/scanners/ports/banner-end';
import { BANNER_SIGNATURES, loadBannerSignatures } from '../../../src/scanners/ports/banner-signatures';
import { escapeBanner } from '../../../src/scanners/ports/banner-text';
import { cpeFor, identify, identifyGreeting, identifyHttpHead } from '../../../src/scanners/ports/identify';
import { failedConnectState } from '../../../src/scanners/ports/states';
import { detect, technologyValue } from '../../../src/scanners/tech/match';
import { regexProblems } from '../../../src/scanners/tech/regex-guard';
import { SIGNATURES, slugOf } from '../../../src/scanners/tech/signatures';

const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));
const named = (text: string): string[] => identifyGreeting(bytes(text)).map((p) => p.value);

/** The inverse of escapeBanner, written here from its rules, to check nothing is lost. */
function unescaped(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '\\') {
      out.push(text.charCodeAt(i));
      continue;
    }
    const next = text[++i];
    if (next === 'x') {
      out.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push({ '\\': 0x5c, r: 0x0d, n: 0x0a, t: 0x09 }[next as string] ?? Number.NaN);
  }
  return new Uint8Array(out);
}

/** A MySQL server greeting: length, sequence 0, protocol 10, the version, NUL, then the rest. */
function mysqlGreeting(version: string): Uint8Array {
  const body = Buffer.concat([Buffer.from([0x0a]), Buffer.from(`${version}\0`, 'latin1'), Buffer.alloc(40, 0x41)]);
  const head = Buffer.from([body.length & 255, (body.length >> 8) & 255, 0, 0]);
  return new Uint8Array(Buffer.concat([head, body]));
}

describe('banner text', () => {
  it('keeps printable ASCII and escapes everything else, backslashes included', () => {
    expect(escapeBanner(bytes('SSH-2.0-OpenSSH_8.2p1\r\n'))).toBe('SSH-2.0-OpenSSH_8.2p1\\r\\n');
    expect(escapeBanner(bytes('\u001b[31mRED\u001b]0;pwned\u0007'))).toBe('\\x1b[31mRED\\x1b]0;pwned\\x07');
    expect(escapeBanner(new Uint8Array([0xff, 0xfe, 0xc3, 0x28, 0x00, 0x5c, 0x09, 0x7f]))).toBe(
      '\\xff\\xfe\\xc3(\\x00\\\\\\t\\x7f',
    );
    // UTF-8 (a bidi override among it) is bytes like any other.
    expect(escapeBanner(new Uint8Array(Buffer.from('a\u202eb')))).toBe('a\\xe2\\x80\\xaeb');
  });

  it('is one printable ASCII line that reads back as the exact bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (raw) => {
        const text = escapeBanner(raw);
        expect(text).toMatch(/^[\x20-\x7e]*$/);
        expect([...unescaped(text)]).toEqual([...raw]);
      }),
    );
  });
});

describe('banner signatures', () => {
  const patterns = banners.products.flatMap((p) => p.patterns.map((source) => ({ where: p.name, source })));

  it('load, each pattern passing the static backtracking check', () => {
    expect(BANNER_SIGNATURES.length).toBeGreaterThanOrEqual(20);
    for (const { where, source } of patterns) expect(regexProblems(source), `${where}: /${source}/`).toEqual([]);
  });

  it('run over adversarial 100 KB inputs within a bound', () => {
    const size = 100 * 1024;
    const fill = (unit: string) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
    let slowest = { ms: 0, where: '' };
    // The patterns as compiled for scans, flags included.
    for (const pattern of BANNER_SIGNATURES.flatMap((p) => p.patterns.map((re) => ({ where: p.name, re })))) {
      const { where, re } = pattern;
      const source = re.source;
      const literals = source
        .replace(/\\(.)/g, '$1')
        .split(/[[\](){}|?*+^$]/)
        .filter((s) => s.length >= 2);
      for (const unit of ['220 ', '220-', 'SSH-2.0-', '1.', '9', ' ', '\n', '\r\n', '* OK ', '\u0000', ...literals]) {
        const input = fill(unit);
        const start = performance.now();
        re.exec(input);
        const ms = performance.now() - start;
        if (ms > slowest.ms) slowest = { ms, where: `${where} /${source}/ on ${JSON.stringify(unit)}` };
      }
    }
    expect(slowest.ms, slowest.where).toBeLessThan(500);
  });

  it('refuse a dangerous or broken pattern, naming it', () => {
    const bad = structuredClone(banners);
    bad.products.push({ name: 'Evil', categories: ['x-server'], patterns: ['^220 (a+)+$'] } as never);
    expect(() => loadBannerSignatures(bad)).toThrow(/unbounded quantifier/);
    const broken = structuredClone(banners);
    broken.products.push({ name: 'Broken', categories: ['x-server'], patterns: ['^220 ('] } as never);
    expect(() => loadBannerSignatures(broken)).toThrow(/not a valid regular expression/);
    const twice = structuredClone(banners);
    twice.products.push(structuredClone(twice.products[0]) as never);
    expect(() => loadBannerSignatures(twice)).toThrow(/names are unique/);
  });

  it('name a product the tech scanner also knows with its slug and CPE', () => {
    const tech = new Map(SIGNATURES.map((t) => [t.name, t]));
    let shared = 0;
    for (const product of BANNER_SIGNATURES) {
      expect(product.slug).toBe(slugOf(product.name));
      const same = tech.get(product.name);
      if (!same) continue;
      shared++;
      expect(product.cpe, product.name).toBe(same.cpe);
    }
    expect(shared).toBeGreaterThan(0);
  });
});

describe('identifying products', () => {
  it('reads SSH, SMTP, FTP, POP3 and IMAP greetings, with versions where they give one', () => {
    expect(named('SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.5\r\n')).toEqual(['openssh@8.2p1']);
    expect(named('SSH-2.0-OpenSSH_9.6\r\n')).toEqual(['openssh@9.6']);
    expect(named('SSH-2.0-OpenSSH_for_Windows_8.1\r\n')).toEqual(['openssh@8.1']);
    expect(named('SSH-2.0-dropbear_2022.83\r\n')).toEqual(['dropbear-ssh@2022.83']);
    expect(named('220 mail.nova-parcels.com ESMTP Postfix (Ubuntu)\r\n')).toEqual(['postfix']);
    expect(named('220-mx.example.com ESMTP Exim 4.96 Mon, 01 Jan 2024\r\n220 welcome\r\n')).toEqual(['exim@4.96']);
    expect(named('220 (vsFTPd 2.3.4)\r\n')).toEqual(['vsftpd@2.3.4']);
    expect(named('220 ProFTPD 1.3.5b Server (Debian) [::ffff:10.0.0.1]\r\n')).toEqual(['proftpd@1.3.5b']);
    expect(named('220 Microsoft FTP Service\r\n')).toEqual(['microsoft-iis']);
    expect(named('+OK Dovecot (Ubuntu) ready.\r\n')).toEqual(['dovecot']);
    expect(named('* OK [CAPABILITY IMAP4rev1] Dovecot ready.\r\n')).toEqual(['dovecot']);
    expect(named('SSH-2.0-<script>window.__xss=1</script>\r\n')).toEqual([]);
  });

  it("reads MySQL's and MariaDB's handshake, never one as the other", () => {
    const ids = (raw: Uint8Array) => identifyGreeting(raw).map((p) => p.value);
    expect(ids(mysqlGreeting('8.0.32-0ubuntu0.20.04.2'))).toEqual(['mysql@8.0.32']);
    expect(ids(mysqlGreeting('5.5.5-10.6.12-MariaDB-0ubuntu0.22.04.1'))).toEqual(['mariadb@10.6.12']);
    expect(ids(mysqlGreeting('11.2.2-MariaDB'))).toEqual(['mariadb@11.2.2']);
  });

  it('writes CPEs as NVD does, the update split off where the product uses it', () => {
    const [ssh] = identifyGreeting(bytes('SSH-2.0-OpenSSH_8.2p1 Ubuntu\r\n'));
    expect(ssh?.cpe).toBe('cpe:2.3:a:openbsd:openssh:8.2:p1:*:*:*:*:*:*');
    expect(ssh?.matched).toBe('SSH-2.0-OpenSSH_8.2p1');
    expect(identifyGreeting(bytes('SSH-2.0-OpenSSH_9.6\r\n'))[0]?.cpe).toBe(
      'cpe:2.3:a:openbsd:openssh:9.6:*:*:*:*:*:*:*',
    );
    expect(identifyGreeting(bytes('220 (vsFTPd 2.3.4)\r\n'))[0]?.cpe).toBe(
      'cpe:2.3:a:beasts:vsftpd:2.3.4:*:*:*:*:*:*:*',
    );
    expect(cpeFor({ cpe: 'cpe:2.3:a:postfix:postfix', cpeUpdate: false })).toBe(
      'cpe:2.3:a:postfix:postfix:*:*:*:*:*:*:*:*',
    );
    expect(cpeFor({ cpeUpdate: true }, '1.0')).toBeUndefined();
  });

  it('drops a version cut by its pattern bound instead of naming a wrong one', () => {
    expect(named(`SSH-2.0-OpenSSH_8.${'2'.repeat(50)}\r\n`)).toEqual(['openssh']);
    expect(named(`220 x ESMTP Exim ${'4.'.repeat(40)}\r\n`)).toEqual(['exim']);
  });

  it("names what an HTTP head says with the tech scanner's own values", () => {
    const head = bytes(
      'HTTP/1.1 404 Not Found\r\nServer: nginx/1.18.0 (Ubuntu)\r\nX-Powered-By: PHP/7.4.3\r\nSet-Cookie: PHPSESSID=1; path=/\r\n\r\n',
    );
    const found = identifyHttpHead(head);
    expect(found.map((p) => p.value)).toEqual(['nginx@1.18.0', 'php@7.4.3']);
    expect(found[0]?.cpe).toBe('cpe:2.3:a:f5:nginx:1.18.0:*:*:*:*:*:*:*');
    const tech = detect({
      headers: [['Server', 'nginx/1.18.0 (Ubuntu)']],
      cookies: [],
      html: '',
      scripts: [],
      meta: [],
    });
    expect(found[0]?.value).toBe(technologyValue(tech[0] as never));
    // Not an HTTP answer: nothing is read from it.
    expect(identifyHttpHead(bytes('Server: nginx/1.18.0\r\n\r\n'))).toEqual([]);
  });

  it('adds the header products only the banner signatures know, once', () => {
    const docker = bytes('HTTP/1.1 404 Not Found\r\nServer: Docker/20.10.7 (linux)\r\n\r\n');
    expect(identify(docker, 'http').map((p) => [p.value, p.cpe])).toEqual([
      ['docker-engine@20.10.7', 'cpe:2.3:a:docker:docker:20.10.7:*:*:*:*:*:*:*'],
    ]);
    const couch = bytes('HTTP/1.1 200 OK\r\nServer: CouchDB/3.3.2 (Erlang OTP/24)\r\nX-Powered-By: PHP/8.1.2\r\n\r\n');
    expect(identify(couch, 'http').map((p) => p.value)).toEqual(['php@8.1.2', 'couchdb@3.3.2']);
    expect(identify(bytes('SSH-2.0-OpenSSH_9.6\r\n'), 'read').map((p) => p.value)).toEqual(['openssh@9.6']);
  });

  it("matches a greeting at the banner's start only, never a line inside another protocol's answer", () => {
    expect(named('junk\r\nSSH-2.0-OpenSSH_8.2p1\r\n')).toEqual([]);
    expect(identify(bytes('HTTP/1.1 200 OK\r\nX: 1\r\n220 (vsFTPd 2.3.4)\r\n\r\n'), 'http')).toEqual([]);
  });

  it('never throws on arbitrary bytes, and names only well-formed values (property)', () => {
    const value = /^[a-z0-9.+-]{1,60}(?:@[0-9a-z.]{1,40})?$/;
    const prefixes = ['', 'SSH-2.0-OpenSSH_', '220 (vsFTPd ', 'HTTP/1.1 200 OK\r\nServer: nginx/', '220 x ESMTP Exim '];
    fc.assert(
      fc.property(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 600 }), (prefix, tail) => {
        const raw = new Uint8Array([...bytes(prefix), ...tail]);
        for (const product of [...identifyGreeting(raw), ...identifyHttpHead(raw)]) {
          expect(product.value).toMatch(value);
          // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must not appear
          expect(product.matched).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
          expect(product.matched.length).toBeLessThanOrEqual(161);
        }
        greetingComplete(raw);
        headComplete(raw);
      }),
      { numRuns: 500 },
    );
  });
});

describe('reading banners and connect failures', () => {
  it('knows a greeting is whole at a line that announces no more, and a head at its empty line', () => {
    expect(greetingComplete(bytes('SSH-2.0-OpenSSH_9.6'))).toBe(false);
    expect(greetingComplete(bytes('SSH-2.0-OpenSSH_9.6\r\n'))).toBe(true);
    expect(greetingComplete(bytes('220-first\r\n'))).toBe(false);
    expect(greetingComplete(bytes('220-first\r\n220 last\r\n'))).toBe(true);
    expect(greetingComplete(mysqlGreeting('8.0.32'))).toBe(true);
    expect(greetingComplete(mysqlGreeting('8.0.32').subarray(0, 20))).toBe(false);
    expect(headComplete(bytes('HTTP/1.1 200 OK\r\nServer: x\r\n'))).toBe(false);
    expect(headComplete(bytes('HTTP/1.1 200 OK\r\nServer: x\r\n\r\n'))).toBe(true);
  });

  it('reads a refusal as closed, silence or an unreachable host as filtered, anything else as an error', () => {
    expect(failedConnectState(new Error('connect to 192.0.2.1:21: connection refused')).state).toBe('closed');
    expect(failedConnectState(new Error('connect to 127.0.0.1:9: connection refused (self-connect)')).state).toBe(
      'closed',
    );
    const timeout = Object.assign(new Error('connect to 192.0.2.1:3306 timed out after 300 ms'), {
      name: 'TimeoutError',
    });
    expect(failedConnectState(timeout)).toEqual({ state: 'filtered', reason: timeout.message });
    expect(failedConnectState(new Error('connect to 192.0.2.1:22: host unreachable')).state).toBe('filtered');
    const viaProxy =
      'SOCKS5 proxy 127.0.0.1:9050 could not reach 192.0.2.1:21: Socks5 proxy rejected connection - ConnectionRefused';
    expect(failedConnectState(new Error(viaProxy)).state).toBe('closed');
    // The proxy itself down says nothing about the port.
    expect(failedConnectState(new Error('SOCKS5 proxy 127.0.0.1:9050 unreachable: connection refused')).state).toBe(
      'error',
    );
    expect(failedConnectState(new Error('network settings: bad proxy')).state).toBe('error');
    expect(failedConnectState('x'.repeat(2000)).reason).toHaveLength(500);
  });
});
