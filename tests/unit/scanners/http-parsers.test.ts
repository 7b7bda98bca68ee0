// The HTTP scanner's header parsers: HSTS, CSP, Set-Cookie and Alt-Svc, by example and by
// property (any input parses without throwing, and generated well-formed values read back).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { http3Services, parseAltSvc } from '../../../src/scanners/http/alt-svc';
import { frameAncestors, parseCsp, scriptWeaknesses } from '../../../src/scanners/http/csp';
import { splitOutsideQuotes } from '../../../src/scanners/http/fields';
import { parseHsts, preloadProblems } from '../../../src/scanners/http/hsts';
import { parseSetCookie } from '../../../src/scanners/http/set-cookie';

/** Random ASCII letter case, as servers send directive and attribute names. */
const anyCase = (text: string) =>
  fc
    .array(fc.boolean(), { minLength: text.length, maxLength: text.length })
    .map((flags) => [...text].map((c, i) => (flags[i] ? c.toUpperCase() : c.toLowerCase())).join(''));
const ows = fc.constantFrom('', ' ', '  ', '\t');
const token = fc.stringMatching(/^[a-zA-Z0-9_-]{1,12}$/);

describe('Strict-Transport-Security', () => {
  it('reads max-age, includeSubDomains and preload', () => {
    expect(parseHsts('max-age=31536000; includeSubDomains; preload')).toEqual({
      maxAge: 31536000,
      includeSubDomains: true,
      preload: true,
      errors: [],
    });
    expect(parseHsts('max-age="600"')).toMatchObject({ maxAge: 600, includeSubDomains: false, errors: [] });
    expect(parseHsts('includeSubDomains').errors).toEqual(['max-age is missing']);
    expect(parseHsts('max-age=1; max-age=2').errors).toEqual(['the directive max-age appears twice']);
    expect(parseHsts('max-age=-5').errors).toEqual(['max-age is not a number of seconds']);
    expect(parseHsts('max-age=1e9').maxAge).toBeNull();
  });

  it('says what keeps a header off the preload list', () => {
    expect(preloadProblems(parseHsts('max-age=63072000; includeSubDomains; preload'))).toEqual([]);
    expect(preloadProblems(parseHsts('max-age=300; preload'))).toEqual([
      'max-age is under one year (31536000)',
      'includeSubDomains is missing',
    ]);
  });

  it('reads back any well-formed header, whatever the case, spacing and order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        anyCase('max-age'),
        anyCase('includesubdomains'),
        anyCase('preload'),
        ows,
        (maxAge, sub, preload, reversed, maName, subName, preloadName, space) => {
          const parts = [`${maName}=${maxAge}`];
          if (sub) parts.push(subName);
          if (preload) parts.push(preloadName);
          if (reversed) parts.reverse();
          const hsts = parseHsts(parts.join(`${space};${space}`));
          expect(hsts).toEqual({ maxAge, includeSubDomains: sub, preload, errors: [] });
        },
      ),
    );
  });

  it('never throws and never reports a max-age with errors', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const hsts = parseHsts(text);
        if (hsts.errors.length > 0) expect(hsts.maxAge).toBeNull();
        else expect(hsts.maxAge).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe('Content-Security-Policy', () => {
  it('splits policies and directives, lowercases names and keeps the first of a repeated directive', () => {
    const [first, second] = parseCsp([
      "Default-Src 'self';  script-src 'self' cdn.example; script-src *",
      "img-src *, frame-ancestors 'none'",
    ]);
    expect(first?.get('default-src')).toEqual(["'self'"]);
    expect(first?.get('script-src')).toEqual(["'self'", 'cdn.example']);
    expect(parseCsp(["img-src *, frame-ancestors 'none'"])).toHaveLength(2);
    expect(second?.get('img-src')).toEqual(['*']);
  });

  it("reads frame-ancestors: 'none', a list, a wildcard, the strictest policy winning", () => {
    expect(frameAncestors(parseCsp(["frame-ancestors 'none'"]))).toEqual({ kind: 'none' });
    expect(frameAncestors(parseCsp(["frame-ancestors 'self' https://a.example"]))).toEqual({
      kind: 'restricted',
      sources: ["'self'", 'https://a.example'],
    });
    expect(frameAncestors(parseCsp(['frame-ancestors https:']))).toMatchObject({ kind: 'any' });
    expect(frameAncestors(parseCsp(['frame-ancestors *', "frame-ancestors 'self'"]))).toMatchObject({
      kind: 'restricted',
    });
    expect(frameAncestors(parseCsp(["default-src 'self'"]))).toEqual({ kind: 'unset' });
    // 'none' next to other sources is ignored, as the spec says.
    expect(frameAncestors(parseCsp(["frame-ancestors 'none' 'self'"]))).toMatchObject({ kind: 'restricted' });
  });

  it('names what leaves scripts unrestricted', () => {
    expect(scriptWeaknesses(parseCsp(["default-src 'self'"]))).toEqual([]);
    expect(scriptWeaknesses(parseCsp(["frame-ancestors 'self'"]))).toEqual([
      'no script-src or default-src: scripts are not restricted',
    ]);
    expect(scriptWeaknesses(parseCsp(["script-src * 'unsafe-inline' 'unsafe-eval' data:"]))).toHaveLength(4);
    // A nonce makes browsers ignore 'unsafe-inline'; 'strict-dynamic' makes them ignore host sources.
    expect(scriptWeaknesses(parseCsp(["script-src 'nonce-abc' 'unsafe-inline' 'strict-dynamic' https:"]))).toEqual([]);
    // Two policies: the stricter one decides.
    expect(scriptWeaknesses(parseCsp(['script-src *', "script-src 'self'"]))).toEqual([]);
  });

  it('reads back generated policies and never throws', () => {
    const directive = fc.record({
      name: fc.stringMatching(/^[a-z][a-z-]{0,20}$/),
      sources: fc.array(fc.stringMatching(/^[!-+\--:<-~]{1,20}$/), { maxLength: 5 }),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(directive, { selector: (d) => d.name, minLength: 1, maxLength: 6 }),
        ows,
        (directives, space) => {
          const text = directives.map((d) => [d.name.toUpperCase(), ...d.sources].join(' ')).join(`${space};${space}`);
          const [policy] = parseCsp([text]);
          expect([...(policy?.entries() ?? [])]).toEqual(directives.map((d) => [d.name, d.sources]));
        },
      ),
    );
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 200 }), { maxLength: 3 }), (values) => {
        for (const policy of parseCsp(values)) for (const name of policy.keys()) expect(name).toMatch(/^[a-z0-9-]+$/);
      }),
    );
  });
});

describe('Set-Cookie', () => {
  it('reads the pair and the attributes, case-insensitively, the last one winning', () => {
    expect(
      parseSetCookie('__Host-id=a=b; path=/; SECURE; HttpOnly; SameSite=Lax; Max-Age=60; samesite=Strict'),
    ).toEqual({
      name: '__Host-id',
      value: 'a=b',
      domain: null,
      path: '/',
      secure: true,
      httpOnly: true,
      sameSite: 'Strict',
      expires: null,
      maxAge: '60',
      partitioned: false,
    });
    expect(parseSetCookie('novalue; Domain=.Example.COM')).toMatchObject({
      name: '',
      value: 'novalue',
      domain: 'example.com',
    });
    expect(parseSetCookie('a=1; Path=relative').path).toBeNull();
    expect(parseSetCookie('a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Partitioned')).toMatchObject({
      expires: 'Wed, 21 Oct 2026 07:28:00 GMT',
      partitioned: true,
    });
  });

  it('reads back generated cookies', () => {
    fc.assert(
      fc.property(
        token,
        fc.stringMatching(/^[a-zA-Z0-9!#$%&'()*+\-./:<>?@[\]^_`{|}~]{0,20}$/),
        fc.boolean(),
        fc.boolean(),
        fc.option(fc.constantFrom('Lax', 'Strict', 'None'), { nil: null }),
        fc.option(fc.constantFrom('/', '/app'), { nil: null }),
        anyCase('secure'),
        anyCase('httponly'),
        ows,
        (name, value, secure, httpOnly, sameSite, path, secureName, httpOnlyName, space) => {
          const attributes = [];
          if (secure) attributes.push(secureName);
          if (httpOnly) attributes.push(httpOnlyName);
          if (sameSite) attributes.push(`SameSite=${sameSite}`);
          if (path) attributes.push(`Path=${path}`);
          const cookie = parseSetCookie([`${name}=${value}`, ...attributes].join(`;${space}`));
          expect(cookie).toMatchObject({ name, value, secure, httpOnly, sameSite, path, domain: null });
        },
      ),
    );
  });

  it('never throws on any line', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (line) => {
        expect(typeof parseSetCookie(line).name).toBe('string');
      }),
    );
  });
});

describe('Alt-Svc', () => {
  it('reads protocols, authorities and max-age, and finds HTTP/3', () => {
    const altSvc = parseAltSvc(['h3=":443"; ma=86400, h3-29=":443"; ma=86400, h2="alt.example:8443"']);
    expect(altSvc.services).toEqual([
      { protocol: 'h3', host: '', port: 443, maxAge: 86400 },
      { protocol: 'h3-29', host: '', port: 443, maxAge: 86400 },
      { protocol: 'h2', host: 'alt.example', port: 8443, maxAge: null },
    ]);
    expect(http3Services(altSvc).map((s) => s.protocol)).toEqual(['h3', 'h3-29']);
    expect(http3Services(parseAltSvc(['clear']))).toEqual([]);
    expect(parseAltSvc(['h2="a.example:99999"']).services[0]?.port).toBeNull();
    expect(parseAltSvc(['w%3D%3D=":80"']).services[0]?.protocol).toBe('w==');
  });

  it('reads back generated lists, commas inside quotes included, and never throws', () => {
    const entry = fc.record({
      protocol: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
      host: fc.constantFrom('', 'alt.example', 'a,b.example', 'x;y', '[2001:db8::1]'),
      port: fc.integer({ min: 1, max: 65535 }),
      maxAge: fc.option(fc.integer({ min: 0, max: 10 ** 9 }), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 6 }), ows, (entries, space) => {
        const text = entries
          .map((e) => `${e.protocol}="${e.host}:${e.port}"${e.maxAge === null ? '' : `;${space}ma=${e.maxAge}`}`)
          .join(`,${space}`);
        expect(parseAltSvc([text]).services).toEqual(entries);
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        expect(parseAltSvc([text]).services.length).toBeLessThanOrEqual(64);
      }),
    );
  });

  it('splits lists outside quoted strings only', () => {
    expect(splitOutsideQuotes('a="x,y", b="\\"q,\\"", c', ',')).toEqual(['a="x,y"', 'b="\\"q,\\""', 'c']);
  });
});
