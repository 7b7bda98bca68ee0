import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CAPTION_MAX,
  commonName,
  endEllipsis,
  middleEllipsis,
  nameEllipsis,
  nodeCaption,
  nodeDetail,
} from '../../../src/renderer/model/node-label';
import type { Entity } from '../../../src/shared/model';

const entity = (type: Entity['type'], value: string, props: Entity['props'] = {}) => ({ type, value, props });
const FP = 'c901e025b3c4b83ab0e866fa3c2fa087258ac2a031eda2f53b5254f7d45ee560';

describe('caption cuts', () => {
  it('keep short text whole', () => {
    expect(middleEllipsis('nova-parcels.com')).toBe('nova-parcels.com');
    expect(endEllipsis('NameCheap, Inc.')).toBe('NameCheap, Inc.');
    expect(nameEllipsis('ns1.nova-dns.net')).toBe('ns1.nova-dns.net');
  });

  it('keep whole labels from the end of a long host name', () => {
    const cut = nameEllipsis('very-long-subdomain-name.tracking.nova-parcels.com');
    expect(cut).toBe('very-lo…nova-parcels.com');
    expect([...cut].length).toBe(CAPTION_MAX);
  });

  it('never exceed the limit and never split a surrogate pair', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (text) => {
        for (const cut of [middleEllipsis(text), endEllipsis(text), nameEllipsis(text)]) {
          expect([...cut].length).toBeLessThanOrEqual(Math.max(CAPTION_MAX, 0));
          expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
        }
      }),
    );
  });
});

describe('nodeCaption', () => {
  it('names a certificate by its subject CN and a few fingerprint digits', () => {
    const cert = entity('certificate', `sha256:${FP}`, { subject: 'CN=nova-parcels.com, O=Nova Parcels' });
    expect(nodeCaption(cert)).toBe('nova-parcels.com · c901');
  });

  it('falls back to the first SAN, then CT names, then the fingerprint', () => {
    expect(nodeCaption(entity('certificate', `sha256:${FP}`, { sans: ['www.example.org'] }))).toBe(
      'www.example.org · c901',
    );
    expect(nodeCaption(entity('certificate', `sha256:${FP}`, { names: ['a.example'] }))).toBe('a.example · c901');
    expect(nodeCaption(entity('certificate', `sha256:${FP}`))).toBe('sha256 c901e025');
    expect(nodeCaption(entity('certificate', 'ct:lets-encrypt-r3:04aa'))).toBe('ct:lets-encrypt-r3:04aa');
  });

  it('shows a technology as name@version', () => {
    expect(nodeCaption(entity('technology', 'nginx@1.18.0', { name: 'nginx', version: '1.18.0' }))).toBe(
      'nginx@1.18.0',
    );
    expect(nodeCaption(entity('technology', 'jquery', { name: 'jQuery' }))).toBe('jQuery');
    expect(nodeCaption(entity('technology', 'php@7.4.3'))).toBe('php@7.4.3');
  });

  it('drops a URL scheme and shows an IDN in Unicode', () => {
    expect(nodeCaption(entity('url', 'https://t.me/novaparcels_support'))).toBe('t.me/novaparcels_support');
    expect(nodeCaption(entity('domain', 'xn--nva-parcels-x8a.com', { unicode: 'növa-parcels.com' }))).toBe(
      'növa-parcels.com',
    );
  });

  it('blanks control and bidi characters of hostile values', () => {
    expect(nodeCaption(entity('organization', 'Evil\u202eCorp\u0007'))).toBe('Evil Corp ');
  });

  it('is never longer than the limit, whatever the entity', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Entity['type']>('domain', 'ip', 'certificate', 'technology', 'url', 'organization', 'email'),
        fc.string({ maxLength: 300 }),
        fc.string({ maxLength: 300 }),
        (type, value, name) => {
          const caption = nodeCaption(entity(type, value, { subject: `CN=${name}`, name, version: name }));
          expect([...caption].length).toBeLessThanOrEqual(CAPTION_MAX);
        },
      ),
    );
  });
});

describe('commonName', () => {
  it('reads the CN from the subject', () => {
    expect(commonName('CN=nova-parcels.com, O=Nova')).toBe('nova-parcels.com');
    expect(commonName('O=Nova, CN=*.nova-parcels.com')).toBe('*.nova-parcels.com');
    expect(commonName('O=Nova')).toBeUndefined();
  });
});

describe('nodeDetail', () => {
  it('gives the whole value, the ASCII form of an IDN and a certificate subject', () => {
    expect(nodeDetail(entity('domain', 'xn--nva-parcels-x8a.com', { unicode: 'növa-parcels.com' }))).toEqual([
      'növa-parcels.com',
      'xn--nva-parcels-x8a.com',
    ]);
    expect(nodeDetail(entity('certificate', `sha256:${FP}`, { subject: 'CN=x.example' }))).toEqual([
      `sha256:${FP}`,
      'CN=x.example',
    ]);
  });
});
