// Full Scan, the Overall Assessment and the scope in a real browser against the stand-in backend
// (tests/e2e/fake-backend.ts, which computes assessments with the real core code). Screenshots
// go to test-results/assessment-*.png.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchBrowser, watchPage } from './browser';
import { type FakeBackend, startFakeBackend } from './fake-backend';
import { clickNode, createCase, readXss, waitForNode } from './page-helpers';
import { requireRendererBuild, screenshotPath } from './paths';

const XSS = '<img src=x onerror=window.__xss=1>';

describe('Full Scan, assessment and scope (fake backend)', () => {
  let backend: FakeBackend;
  let browser: Browser;
  let page: Page;
  let watched: { errors: string[] };

  beforeAll(async () => {
    backend = await startFakeBackend(requireRendererBuild(), {
      'nova-parcels.com': {
        relations: [
          { kind: 'resolves_to', to: { type: 'ip', value: '185.220.101.47' } },
          { kind: 'has_ns', to: { type: 'domain', value: 'ns1.nova-dns.net' } },
        ],
        findings: [
          { severity: 'high', title: 'Spoofable: no SPF and no DMARC', detail: 'Anyone can send mail as it.' },
          { severity: 'medium', title: `Banner says ${XSS}`, detail: XSS },
        ],
      },
      '185.220.101.47': {
        relations: [{ kind: 'ptr_to', to: { type: 'domain', value: 'srv47.bulletproof-host.example' } }],
      },
    });
    browser = await launchBrowser();
    page = await browser.newPage();
    watched = watchPage(page);
    await page.goto(backend.url);
    await createCase(page, 'Assessment');
  });

  afterAll(async () => {
    await browser?.close();
    await backend?.close();
  });

  it('runs a Full Scan from the target bar and shows the assessment of the target', async () => {
    await page.getByLabel('Target', { exact: true }).fill('nova-parcels.com');
    await page.getByRole('button', { name: 'Full Scan', exact: true }).click();
    // Every module that accepts a domain: the two passive ones and the active one (a seed is in scope).
    for (const scanner of ['dns', 'whois', 'tls']) {
      await page.locator('tr', { hasText: 'nova-parcels.com' }).filter({ hasText: scanner }).first().waitFor();
    }
    const domain = await waitForNode(page, 'domain', 'nova-parcels.com');
    await clickNode(page, domain);
    const assessment = page.getByTestId('assessment');
    await assessment.getByText('Spoofable: no SPF and no DMARC').waitFor();
    const red = assessment.locator('.signal-red');
    expect(await red.count()).toBe(1);
    // The hostile title is text, not markup.
    expect(await assessment.locator('.signal-yellow .signal-text').first().textContent()).toBe(`Banner says ${XSS}`);
    expect(await assessment.locator('img').count()).toBe(0);
    const pivots = await assessment.getByTestId('pivots').locator('li').allTextContents();
    expect(pivots.some((p) => p.startsWith('address185.220.101.47'))).toBe(true);
    expect(pivots.some((p) => p.startsWith('name serverns1.nova-dns.net'))).toBe(true);
    // No module scored a grade category here: the grade says so instead of guessing.
    expect(await assessment.getByTestId('grade-letter').textContent()).toBe('?');
    expect(await assessment.getByText('No graded module has run').count()).toBe(1);
    await page.screenshot({ path: screenshotPath('assessment-1-panel') });
    expect(await readXss(page)).toBeUndefined();
  });

  it('selects a pivot from the assessment', async () => {
    await page.getByTestId('pivots').getByRole('button', { name: '185.220.101.47' }).click();
    await page.getByTestId('entity-value').getByText('185.220.101.47').waitFor();
  });

  it('keeps active modules off entities outside the scope until the analyst adds them', async () => {
    const ip = await waitForNode(page, 'ip', '185.220.101.47');
    await clickNode(page, ip, 'right');
    let menu = page.getByTestId('context-menu');
    await menu.getByRole('menuitem', { name: 'Full Scan' }).click();
    await menu.waitFor({ state: 'detached' });
    // Two hops from the seed: domain -> address -> PTR name.
    const far = await waitForNode(page, 'domain', 'srv47.bulletproof-host.example');
    await clickNode(page, far, 'right');
    menu = page.getByTestId('context-menu');
    await menu.getByTestId('scope-note').waitFor();
    expect(await menu.getByTestId('scope-note').textContent()).toContain('add it to the scope');
    expect(await menu.getByRole('menuitem', { name: /TLS certificate/ }).isDisabled()).toBe(true);
    expect(await menu.getByRole('menuitem', { name: /DNS records/ }).isDisabled()).toBe(false);
    await page.screenshot({ path: screenshotPath('assessment-2-out-of-scope') });
    await menu.getByRole('menuitem', { name: 'Add to scope' }).click();
    await expect.poll(() => menu.getByRole('menuitem', { name: /TLS certificate/ }).isDisabled()).toBe(false);
    expect(await menu.getByTestId('scope-note').count()).toBe(0);
    await page.keyboard.press('Escape');
  });

  it('locks the case to passive modules', async () => {
    await page.getByLabel('Passive only (nothing touches the targets)').check();
    await page.getByLabel('Target', { exact: true }).fill('nova-parcels.com');
    await page.getByRole('button', { name: 'Full Scan', exact: true }).click();
    const skipped = page.getByTestId('skipped-modules');
    await skipped.waitFor();
    expect(await skipped.locator('summary').textContent()).toBe('1 module skipped by the scope');
    await skipped.locator('summary').click();
    expect(await skipped.locator('li').allTextContents()).toEqual([
      'tls: nova-parcels.com: the case is locked to passive modules',
    ]);
    const domain = await waitForNode(page, 'domain', 'nova-parcels.com');
    await clickNode(page, domain, 'right');
    const menu = page.getByTestId('context-menu');
    await menu.getByTestId('scope-note').waitFor();
    expect(await menu.getByRole('menuitem', { name: /TLS certificate/ }).isDisabled()).toBe(true);
    expect(await menu.getByRole('menuitem', { name: 'Add to scope' }).count()).toBe(0);
    await page.screenshot({ path: screenshotPath('assessment-3-passive-lock') });
    await page.keyboard.press('Escape');
  });

  it('logged no errors and no CSP violations', () => {
    expect(watched.errors).toEqual([]);
  });
});
