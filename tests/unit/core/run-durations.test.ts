import { describe, expect, it } from 'vitest';
import { RunDurations } from '../../../src/core/scan/run-durations';

describe('RunDurations', () => {
  it('orders scanners slowest first by a moving average, keeping unseen ones in their order', () => {
    const d = new RunDurations();
    const items = ['dns', 'whois', 'screenshot', 'ct', 'wayback'].map((id) => ({ id }));
    expect(d.slowestFirst(items).map((i) => i.id)).toEqual(['dns', 'whois', 'screenshot', 'ct', 'wayback']);
    d.record('screenshot', 1500);
    d.record('dns', 100);
    d.record('whois', 300);
    d.record('whois', Number.NaN);
    expect(d.slowestFirst(items).map((i) => i.id)).toEqual(['screenshot', 'whois', 'dns', 'ct', 'wayback']);
    // One slow run moves an average part of the way, not all of it.
    d.record('dns', 2100);
    expect(d.expected('dns')).toBeCloseTo(700);
    expect(d.slowestFirst(items)[0]?.id).toBe('screenshot');
  });
});
