import { describe, expect, it } from 'vitest';
import { checkTarget } from '../../../src/renderer/model/target';
import { parseTarget } from '../../../src/shared/target';
import { caseInfo } from './fixtures';

describe('checkTarget', () => {
  it('passes on the parser message word for word', () => {
    const r = checkTarget('http://nova-parcels.com/x', null);
    const p = parseTarget('http://nova-parcels.com/x');
    expect(r.state).toBe('invalid');
    expect(r.state === 'invalid' && !p.ok && r.error === p.error).toBe(true);
  });

  it('flags internal targets and blocks them unless the case allows them', () => {
    const blocked = checkTarget('10.0.0.1', caseInfo('/c'));
    expect(blocked.state === 'valid' && blocked.blockedInternal).toBe(true);
    expect(blocked.state === 'valid' && blocked.warnings.join(' ')).toMatch(/Internal target: a private address/);
    const allowed = checkTarget('10.0.0.1', caseInfo('/c', 'c', true));
    expect(allowed.state === 'valid' && allowed.blockedInternal).toBe(false);
    const publicIp = checkTarget('185.220.101.47', caseInfo('/c'));
    expect(publicIp.state === 'valid' && publicIp.warnings).toEqual([]);
  });

  it('warns about homographs and shows IDNs in both forms', () => {
    const r = checkTarget('аpple.com', null); // Cyrillic а
    expect(r.state).toBe('valid');
    if (r.state !== 'valid') return;
    expect(r.target.key.value.startsWith('xn--')).toBe(true);
    expect(r.warnings.some((w) => w.startsWith('Possible homograph'))).toBe(true);
    expect(r.warnings.some((w) => w.startsWith('Internationalised name'))).toBe(true);
  });

  it('says nothing about an empty field', () => {
    expect(checkTarget('   ', null)).toEqual({ state: 'empty' });
  });
});
