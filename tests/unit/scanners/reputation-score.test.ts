// The IP reputation score: DROP loses everything, each abuse list a share by its severity (once,
// for its worst listing), policy lists nothing, and no list checked means no score at all.
import { describe, expect, it } from 'vitest';
import { ABUSE_POINTS, reputationScore, type ScoredListing } from '../../../src/scanners/reputation/score';
import { GRADE_CATEGORIES } from '../../../src/shared/grade';

const listing = (
  list: string,
  kind: ScoredListing['kind'],
  severity: ScoredListing['severity'],
  what = 'x',
): ScoredListing => ({ list, kind, severity, name: what, what, meaning: 'what the list means' });

describe('the IP reputation score', () => {
  it('is full when every list answered "not listed"', () => {
    expect(reputationScore('192.0.2.1', [], 5)).toEqual({
      earned: GRADE_CATEGORIES.reputation.weight,
      lost: [],
      scanner: 'reputation',
    });
  });

  it('is no score when no list could be checked', () => {
    expect(reputationScore('192.0.2.1', [], 0)).toBeNull();
  });

  it('loses everything for a DROP block, with the block in the reason', () => {
    const score = reputationScore(
      '203.0.113.10',
      [listing('Spamhaus DROP', 'drop', 'high', '203.0.113.0/24 (SBL600001)')],
      1,
    );
    expect(score?.earned).toBe(0);
    expect(score?.lost).toEqual([
      {
        points: 15,
        reason: expect.stringMatching(/203\.0\.113\.10 is in Spamhaus DROP: 203\.0\.113\.0\/24 \(SBL600001\)/),
      },
    ]);
  });

  it('loses a share per abuse list by severity, and nothing for policy listings', () => {
    const score = reputationScore(
      '185.220.101.47',
      [
        listing('Spamhaus ZEN', 'abuse', 'medium', 'CSS (127.0.0.3)'),
        listing('Spamhaus ZEN', 'policy', 'info', 'PBL (127.0.0.10)'),
        listing('SpamCop', 'abuse', 'medium'),
        listing('UCEPROTECT level 1', 'abuse', 'low'),
      ],
      8,
    );
    expect(score?.lost.map((l) => l.points)).toEqual([ABUSE_POINTS.medium, ABUSE_POINTS.medium, ABUSE_POINTS.low]);
    expect(score?.earned).toBe(15 - 2 * ABUSE_POINTS.medium - ABUSE_POINTS.low);
    expect(score?.lost.map((l) => l.reason).join('\n')).not.toMatch(/PBL/);
    expect(reputationScore('192.0.2.1', [listing('Spamhaus ZEN', 'policy', 'info', 'PBL')], 3)?.earned).toBe(15);
  });

  it('counts a list once, for its worst listing, and never goes below zero', () => {
    const zen = reputationScore(
      '192.0.2.1',
      [listing('Spamhaus ZEN', 'abuse', 'medium'), listing('Spamhaus ZEN', 'abuse', 'high')],
      1,
    );
    expect(zen?.lost).toHaveLength(1);
    expect(zen?.lost[0]?.points).toBe(ABUSE_POINTS.high);
    const many = reputationScore(
      '192.0.2.1',
      ['A', 'B', 'C', 'D'].map((l) => listing(l, 'abuse', 'high')),
      4,
    );
    expect(many?.earned).toBe(0);
    expect(many?.lost).toHaveLength(4);
    expect(
      reputationScore(
        '192.0.2.1',
        [listing('Spamhaus ZEN', 'drop', 'high'), listing('Spamhaus ZEN', 'abuse', 'high')],
        1,
      )?.lost,
    ).toEqual([{ points: 15, reason: expect.stringMatching(/criminals/) }]);
  });
});
