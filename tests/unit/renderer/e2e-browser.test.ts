// The browser finder used by the e2e tests: env first, then known paths, else how to get one.
import { describe, expect, it } from 'vitest';
import { BROWSER_ARGS, findChromium } from '../../e2e/browser';

describe('findChromium', () => {
  it('prefers TRACEGRAPH_CHROMIUM, then the first known path that exists', () => {
    expect(findChromium({ TRACEGRAPH_CHROMIUM: '/opt/chrome' }, (p) => p === '/opt/chrome')).toBe('/opt/chrome');
    expect(findChromium({}, (p) => p === '/usr/bin/google-chrome' || p === '/snap/bin/chromium')).toBe(
      '/usr/bin/google-chrome',
    );
  });

  it('says how to install one when none is found', () => {
    expect(() => findChromium({}, () => false)).toThrow(/apt-get install chromium[\s\S]*TRACEGRAPH_CHROMIUM/);
    expect(() => findChromium({ TRACEGRAPH_CHROMIUM: '/nope' }, () => false)).toThrow(/\/nope/);
  });

  it('launches headless without sandbox, GPU, QUIC or background traffic', () => {
    expect(BROWSER_ARGS).toEqual(
      expect.arrayContaining(['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run']),
    );
  });
});
