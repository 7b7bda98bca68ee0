import { describe, expect, it } from 'vitest';
import {
  categoryApplies,
  computeGrade,
  GRADE_CATEGORIES,
  gradeLetter,
  gradePropKey,
  readCategoryScore,
  scoreCategory,
} from '../../../src/shared/grade';

describe('the security grade', () => {
  it('uses the weights 25/27/15/13/10/10/10/8', () => {
    const weights = Object.values(GRADE_CATEGORIES).map((c) => c.weight);
    expect(weights).toEqual([25, 27, 15, 13, 10, 10, 10, 8]);
  });

  it('maps scores to letters at 90, 75, 60 and 40', () => {
    expect([100, 90, 89, 75, 74, 60, 59, 40, 39, 0].map(gradeLetter)).toEqual([
      'A',
      'A',
      'B',
      'B',
      'C',
      'C',
      'D',
      'D',
      'F',
      'F',
    ]);
  });

  it('leaves unknown categories out of the normalisation instead of passing or failing them', () => {
    const grade = computeGrade({
      dnssec: scoreCategory('dnssec', 'dnssec', [{ points: 10, reason: 'zone not signed' }]),
      email: scoreCategory('email', 'email-security', []),
    });
    // 10 of 20 known points.
    expect(grade.score).toBe(50);
    expect(grade.letter).toBe('D');
    const unknown = grade.categories.filter((c) => c.earned === null).map((c) => c.id);
    expect(unknown).toEqual(['ssl', 'headers', 'reputation', 'ports', 'httpsRedirect', 'cookies']);
    expect(grade.categories.find((c) => c.id === 'dnssec')?.lost).toEqual([{ points: 10, reason: 'zone not signed' }]);
  });

  it('marks the categories an entity cannot have as not applicable and leaves them out, even when scored', () => {
    const scores = {
      ssl: scoreCategory('ssl', 'tls-cert', []),
      dnssec: scoreCategory('dnssec', 'dnssec', [{ points: 10, reason: 'zone not signed' }]),
      email: scoreCategory('email', 'email-security', [{ points: 10, reason: 'no SPF, no DMARC' }]),
    };
    const ip = computeGrade(scores, 'ip');
    expect(ip.score).toBe(100);
    const notApplicable = ip.categories.filter((c) => !c.applicable);
    expect(notApplicable.map((c) => c.id)).toEqual(['dnssec', 'email']);
    expect(notApplicable.every((c) => c.earned === null && c.lost.length === 0 && c.scanner === null)).toBe(true);
    // A domain has every category; so does a grade computed without saying what it grades.
    for (const grade of [computeGrade(scores, 'domain'), computeGrade(scores)]) {
      expect(grade.categories.every((c) => c.applicable)).toBe(true);
      expect(grade.score).toBe(Math.round((25 / 45) * 100));
    }
    expect(categoryApplies('headers', 'ip')).toBe(true);
    expect(categoryApplies('email', 'url')).toBe(false);
  });

  it('has no score when nothing is known', () => {
    expect(computeGrade({})).toMatchObject({ score: null, letter: null });
  });

  it('floors a category at zero and explains every point lost', () => {
    const score = scoreCategory('cookies', 'http', [
      { points: 5, reason: 'session cookie without Secure' },
      { points: 5, reason: 'session cookie without HttpOnly' },
      { points: 0, reason: 'ignored' },
    ]);
    expect(score.earned).toBe(0);
    expect(score.lost).toHaveLength(2);
    const grade = computeGrade({ cookies: score, ssl: scoreCategory('ssl', 'tls-cert', []) });
    expect(grade.score).toBe(Math.round((25 / 33) * 100));
  });

  it('reads scores from props and treats a malformed one as unknown', () => {
    const props = {
      [gradePropKey('ssl')]: scoreCategory('ssl', 'tls-cert', []),
      [gradePropKey('headers')]: { earned: 'lots' },
    };
    expect(readCategoryScore(props, 'ssl')?.earned).toBe(25);
    expect(readCategoryScore(props, 'headers')).toBeNull();
    expect(readCategoryScore(props, 'ports')).toBeNull();
  });
});
