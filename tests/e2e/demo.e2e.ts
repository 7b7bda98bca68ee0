// The demo as a newcomer meets it: the web shell on the built-in nova-parcels lab scenario,
// with the simulated-internet banner; scan the worked example's domain and pivot to the cluster.
// Screenshots: test-results/demo-*.png.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchBrowser, watchPage } from './browser';
import { clickNode, createCase, scanText, waitForNode } from './page-helpers';
import { requireRendererBuild, screenshotPath } from './paths';
import { startWebShell, type WebShellProcess } from './web-shell';

describe('npm run demo (web shell on the nova-parcels lab)', () => {
  let shell: WebShellProcess;
  let browser: Browser;
  let page: Page;
  let watched: { errors: string[] };

  beforeAll(async () => {
    requireRendererBuild();
    shell = await startWebShell({ demo: true });
    browser = await launchBrowser();
    page = await browser.newPage();
    watched = watchPage(page);
    await page.goto(shell.url);
  });

  afterAll(async () => {
    await browser?.close();
    await shell?.stop();
  });

  it('says the internet is simulated, on every screen', async () => {
    const banner = page.getByTestId('lab-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('Simulated internet');
    expect(await banner.textContent()).toContain('nova-parcels');
    expect(shell.output()).toContain('a simulated internet on loopback');
  });

  it('scans nova-parcels.com and shows its infrastructure from the lab', async () => {
    await createCase(page, 'Demo');
    await scanText(page, 'nova-parcels.com');
    await waitForNode(page, 'ip', '185.220.101.47');
    await waitForNode(page, 'domain', 'ns1.nova-dns.net');
    await waitForNode(page, 'domain', 'ns2.nova-dns.net');
    await waitForNode(page, 'domain', 'mail.nova-parcels.com');
    await waitForNode(page, 'domain', 'srv47.hostvale.nl');
    await page.locator('tr[data-status="finished"]').first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: screenshotPath('demo-1-scanned') });
  });

  it('pivots from a name server to the rest of its infrastructure', async () => {
    const ns = await waitForNode(page, 'domain', 'ns1.nova-dns.net');
    await clickNode(page, ns, 'right');
    const menu = page.getByTestId('context-menu');
    await menu.waitFor();
    await menu.getByRole('menuitem', { name: /DNS records/ }).click();
    await waitForNode(page, 'ip', '185.220.101.53');
    await page.screenshot({ path: screenshotPath('demo-2-pivot') });
    expect(watched.errors).toEqual([]);
  });

  it('runs a Full Scan and reads the grade and the Overall Assessment', async () => {
    await page.getByLabel('Target', { exact: true }).fill('nova-parcels.com');
    await page.getByRole('button', { name: 'Full Scan', exact: true }).click();
    // Phase 2 (takeover on the domain and its subdomains) queues once phase 1 has ended.
    await page.locator('tr', { hasText: 'Subdomain takeover' }).first().waitFor({ timeout: 90_000 });
    await expect
      .poll(() => page.locator('tr[data-status="running"], tr[data-status="queued"]').count(), { timeout: 90_000 })
      .toBe(0);
    const domain = await waitForNode(page, 'domain', 'nova-parcels.com');
    await clickNode(page, domain);
    const assessment = page.getByTestId('assessment');
    await expect.poll(() => assessment.getByTestId('grade-letter').textContent()).toMatch(/^[A-F]$/);
    // The worked example: spoofable mail is a red signal; the certificate's SANs are pivots.
    expect(await assessment.locator('.signal-red').count()).toBeGreaterThan(0);
    const pivots = await assessment.getByTestId('pivots').locator('li').allTextContents();
    expect(pivots.some((p) => p.startsWith('SAN domainnova-tracking.net'))).toBe(true);
    expect(pivots.some((p) => p.startsWith('address185.220.101.47'))).toBe(true);
    // Every point lost is explained, one click away.
    const headers = assessment.locator('.grade-categories details', { hasText: 'Security headers' });
    await headers.locator('summary').click();
    expect(await headers.locator('.lost-points li').allTextContents()).toContainEqual(
      expect.stringMatching(/^−3: Content-Security-Policy/),
    );
    await page.screenshot({ path: screenshotPath('demo-3-assessment') });
    expect(watched.errors).toEqual([]);
  });
});
