// The subdomain label list: the shipped one is valid, a broken one is refused with its problems,
// and the analyst's own labels are checked as DNS labels.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import list from '../../../resources/subdomains/common-labels.json';
import { COMMON_LABELS, labelsOption, loadLabels } from '../../../src/scanners/subdomains/labels';

describe('subdomain labels', () => {
  it('ships a list of unique lowercase labels with the usual service names', () => {
    expect(COMMON_LABELS.length).toBe(list.labels.length);
    expect(new Set(COMMON_LABELS).size).toBe(COMMON_LABELS.length);
    expect(COMMON_LABELS).toEqual(expect.arrayContaining(['www', 'mail', 'vpn', 'autodiscover', 'dev', 'staging']));
  });

  it('refuses a list that is not one, naming what is wrong, and never throws anything but an Error', () => {
    expect(() => loadLabels({ ...list, labels: ['ok', 'Bad Label'] })).toThrow(/invalid subdomain label list/);
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        try {
          loadLabels(json);
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
        }
      }),
    );
  });

  it('takes the shipped list when none is given, and lowercases, dedupes and checks the given ones', () => {
    expect(labelsOption(undefined)).toEqual([...COMMON_LABELS]);
    expect(labelsOption([])).toEqual([...COMMON_LABELS]);
    expect(labelsOption(['WWW', 'www', ' api '])).toEqual(['www', 'api']);
    expect(() => labelsOption('www')).toThrow(/labels must be a list/);
    expect(() => labelsOption(['a.b'])).toThrow(/not DNS labels: "a\.b"/);
    expect(() => labelsOption(Array.from({ length: 1001 }, (_, i) => `h${i}`))).toThrow(/at most 1000/);
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 20 }), (labels) => {
        try {
          for (const label of labelsOption(labels)) expect(label).toMatch(/^[a-z0-9_-]{1,63}$/);
        } catch (error) {
          expect((error as Error).message).toMatch(/^invalid options: /);
        }
      }),
    );
  });
});
