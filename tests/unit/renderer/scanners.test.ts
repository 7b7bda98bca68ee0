import { describe, expect, it } from 'vitest';
import { chosenScanners, scannersFor } from '../../../src/renderer/model/scanners';
import { manifest } from './fixtures';

const all = [
  manifest('tls', ['domain', 'ip'], 'active'),
  manifest('dns', ['domain', 'ip']),
  manifest('whois', ['domain']),
  manifest('mail', ['email']),
  manifest('asn', ['ip', 'asn']),
];

describe('scannersFor', () => {
  it('lists every scanner that accepts the type, passive first then by title', () => {
    expect(scannersFor('ip', all).map((s) => s.id)).toEqual(['asn', 'dns', 'tls']);
    expect(scannersFor('domain', all).map((s) => s.id)).toEqual(['dns', 'whois', 'tls']);
    expect(scannersFor('certificate', all)).toEqual([]);
  });

  it('defaults to the passive ones; toggling switches a passive one off or an active one on', () => {
    expect(chosenScanners('domain', all, new Set()).map((s) => s.id)).toEqual(['dns', 'whois']);
    expect(chosenScanners('domain', all, new Set(['whois', 'mail'])).map((s) => s.id)).toEqual(['dns']);
    expect(chosenScanners('domain', all, new Set(['tls'])).map((s) => s.id)).toEqual(['dns', 'whois', 'tls']);
  });
});
