import { describe, expect, it } from 'vitest';
import { eppStatus, readRdapBody } from '../../../src/scanners/whois/rdap';
import { canonicalRegistrar, registrarKey } from '../../../src/scanners/whois/registrars';
import { queryLine, rdapBaseFor, referralHost, serverCount, whoisServerFor } from '../../../src/scanners/whois/servers';

const domain = {
  objectClassName: 'domain',
  ldhName: 'EXAMPLE.COM',
  status: ['client delete prohibited', 'active'],
  events: [
    { eventAction: 'registration', eventDate: '2024-11-04T10:12:31Z' },
    { eventAction: 'expiration', eventDate: '2025-11-04T10:12:31Z' },
  ],
  nameservers: [{ ldhName: 'NS1.EXAMPLE.NET' }, { ldhName: 'ns1.example.net.' }],
  secureDNS: { delegationSigned: false },
  entities: [
    {
      roles: ['registrar'],
      publicIds: [{ type: 'IANA Registrar ID', identifier: '292' }],
      vcardArray: ['vcard', [['fn', {}, 'text', 'MarkMonitor Inc.']]],
      entities: [
        {
          roles: ['abuse'],
          vcardArray: [
            'vcard',
            [
              ['email', {}, 'text', 'abuse@markmonitor.com'],
              ['tel', {}, 'uri', 'tel:+1.2083895770'],
            ],
          ],
        },
      ],
    },
    { roles: ['registrant'], vcardArray: ['vcard', [['org', {}, 'text', 'REDACTED FOR PRIVACY']]] },
  ],
  links: [
    { rel: 'related', href: 'https://rdap.markmonitor.com/rdap/domain/EXAMPLE.COM', type: 'application/rdap+json' },
  ],
};

describe('RDAP answers', () => {
  it('reads a valid domain object', () => {
    const outcome = readRdapBody('https://rdap.example/domain/example.com', JSON.stringify(domain));
    expect(outcome.kind).toBe('record');
    if (outcome.kind !== 'record') return;
    const r = outcome.record;
    expect(r.registrar.name).toBe('MarkMonitor Inc.');
    expect(r.registrar.ianaId).toBe('292');
    expect(r.status).toEqual(['clientDeleteProhibited', 'ok']);
    expect(r.nameServers).toEqual(['ns1.example.net']);
    expect(r.dnssec).toBe('unsigned');
    expect(r.created?.date).toBe('2024-11-04');
    expect(r.abuse).toEqual({ email: 'abuse@markmonitor.com', phone: '+1.2083895770' });
    expect(r.registrant).toEqual({ organization: null, country: null, redacted: true });
    expect(outcome.related).toBe('https://rdap.markmonitor.com/rdap/domain/EXAMPLE.COM');
  });

  it.each([
    ['not JSON', '<html>oops</html>'],
    ['an array', '[]'],
    ['another object class', '{"objectClassName":"entity"}'],
    ['events of the wrong type', '{"objectClassName":"domain","events":"yesterday"}'],
    ['a vCard of the wrong shape', '{"objectClassName":"domain","entities":[{"vcardArray":["vcard","x"]}]}'],
    ['deep nesting', `{"objectClassName":"domain","entities":${'[{"entities":'.repeat(3000)}[]${'}]'.repeat(3000)}}`],
  ])('turns %s into an invalid outcome, never a throw', (_name, body) => {
    const outcome = readRdapBody('https://rdap.example/x', body);
    expect(outcome.kind).toBe('invalid');
  });

  it('maps RDAP status words to EPP names', () => {
    expect(eppStatus('client transfer prohibited')).toBe('clientTransferProhibited');
    expect(eppStatus('active')).toBe('ok');
    expect(eppStatus('pending delete')).toBe('pendingDelete');
  });
});

describe('registrar names', () => {
  it('makes one canonical name of many spellings', () => {
    expect(registrarKey('NameCheap, Inc.')).toBe('namecheap');
    expect(registrarKey('NAMECHEAP INC')).toBe('namecheap');
    expect(canonicalRegistrar('NAMECHEAP INC', null)).toEqual({ value: 'NameCheap, Inc.', ianaId: '1068' });
    expect(canonicalRegistrar('Tucows Domains Inc.', '69')?.value).toBe(
      canonicalRegistrar('TUCOWS, INC.', '69')?.value,
    );
    expect(canonicalRegistrar('Markmonitor Inc. t/a MarkMonitor Inc. [Tag = MARKMONITOR]', null)?.value).toBe(
      'MarkMonitor Inc.',
    );
    expect(canonicalRegistrar('ACME DOMAINS LLC', '9999')).toEqual({ value: 'Acme Domains', ianaId: '9999' });
    expect(canonicalRegistrar('Acme Domains, LLC', null)?.value).toBe('Acme Domains');
    expect(canonicalRegistrar(null, null)).toBeNull();
  });

  it('lets the IANA id decide over the spelling', () => {
    expect(canonicalRegistrar('Some Odd Spelling', '292')?.value).toBe('MarkMonitor Inc.');
  });
});

describe('server table and query formats', () => {
  it('ships more than 100 TLDs, country codes included', () => {
    expect(serverCount()).toBeGreaterThan(100);
    for (const [tld, server] of [
      ['com', 'whois.verisign-grs.com'],
      ['uk', 'whois.nic.uk'],
      ['de', 'whois.denic.de'],
      ['jp', 'whois.jprs.jp'],
      ['br', 'whois.registro.br'],
      ['xn--p1ai', 'whois.tcinet.ru'],
    ]) {
      expect(whoisServerFor(tld as string)).toBe(server);
    }
  });

  it('formats queries per registry', () => {
    expect(queryLine('whois.verisign-grs.com', 'example.com')).toBe('domain example.com');
    expect(queryLine('whois.denic.de', 'example.de')).toBe('-T dn,ace example.de');
    expect(queryLine('whois.jprs.jp', 'example.jp')).toBe('example.jp/e');
    expect(queryLine('whois.nic.uk', 'example.uk')).toBe('example.uk');
  });

  it('reads referral values and the RDAP bootstrap', () => {
    expect(referralHost('whois://Whois.Example.com:43')).toBe('whois.example.com');
    expect(referralHost('rwhois://rwhois.example.com:4321')).toBeUndefined();
    expect(referralHost('not a host')).toBeUndefined();
    expect(rdapBaseFor('com')).toBe('https://rdap.verisign.com/com/v1/');
  });
});
