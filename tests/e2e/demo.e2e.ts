// The demo as a newcomer meets it: the web shell on the built-in nova-parcels lab scenario,
// with the simulated-internet banner; scan the worked example's domain and pivot to the cluster.
// Screenshots: test-results/demo-*.png.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchBrowser, watchPage } from './browser';
import {
  clickNode,
  createCase,
  graphNodes,
  graphView,
  revealNode,
  scanText,
  waitForLayout,
  waitForNode,
} from './page-helpers';
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

  it('shows the Full Scan graph with readable labels, apart, at the fitted zoom', async () => {
    await page.getByRole('button', { name: 'Fit', exact: true }).click();
    await waitForLayout(page);
    const view = await graphView(page);
    const nodes = await graphNodes(page);
    expect(nodes.length).toBeGreaterThan(25);
    // Every label is drawn, at least 9 px on screen, short, and names its node.
    expect(view?.zoom).toBeGreaterThanOrEqual(0.75);
    for (const n of nodes) {
      expect(n.labelShown, n.value).toBe(true);
      expect(n.fontPx, n.value).toBeGreaterThanOrEqual(9);
      expect([...n.caption].length, n.caption).toBeLessThanOrEqual(24);
      expect(n.caption.length, n.value).toBeGreaterThan(0);
    }
    // A certificate reads as its subject's name and a few fingerprint digits, not a 64-digit hash.
    const certs = nodes.filter((n) => n.type === 'certificate');
    expect(certs.length).toBeGreaterThan(0);
    expect(certs.some((c) => /^[^ ]+ · [0-9a-f]{4}$/.test(c.caption))).toBe(true);
    // No two nodes on top of each other: centres at least a node and a label line apart.
    const onScreen = nodes.filter(
      (n) =>
        view &&
        n.x > view.box.x &&
        n.x < view.box.x + view.box.width &&
        n.y > view.box.y &&
        n.y < view.box.y + view.box.height,
    );
    for (const [i, a] of onScreen.entries()) {
      for (const b of onScreen.slice(i + 1)) {
        expect(Math.abs(a.x - b.x) > 20 || Math.abs(a.y - b.y) > 20, `${a.value} / ${b.value}`).toBe(true);
      }
    }
    console.log(`demo graph: ${nodes.length} nodes, zoom ${view?.zoom.toFixed(2)}, last layout`, view?.lastLayout);
    await page.screenshot({ path: screenshotPath('demo-4-graph-fit') });
  });

  it('shows the whole value of a node on hover, as text', async () => {
    const found = (await graphNodes(page)).find((n) => n.type === 'certificate');
    expect(found).toBeDefined();
    if (!found) return;
    const cert = await revealNode(page, found);
    await page.mouse.move(cert.x, cert.y);
    const card = page.getByTestId('graph-hover');
    await card.waitFor();
    expect(await card.textContent()).toContain(cert.value);
    await page.screenshot({ path: screenshotPath('demo-5-hover') });
    await page.mouse.move(0, 0);
  });

  it('never moves a node the analyst dragged, even when tidying the layout', async () => {
    const ns = await revealNode(page, await waitForNode(page, 'domain', 'ns2.nova-dns.net'));
    await page.mouse.move(ns.x, ns.y);
    await page.mouse.down();
    await page.mouse.move(ns.x + 40, ns.y + 30, { steps: 6 });
    await page.mouse.up();
    const dragged = (await graphNodes(page)).find((n) => n.id === ns.id);
    expect(dragged && Math.hypot(dragged.graphX - ns.graphX, dragged.graphY - ns.graphY)).toBeGreaterThan(20);
    const others = new Map((await graphNodes(page)).map((n) => [n.id, n]));
    await page.getByRole('button', { name: 'Tidy layout' }).click();
    await waitForLayout(page);
    const after = await graphNodes(page);
    const still = after.find((n) => n.id === ns.id);
    expect(still?.graphX).toBe(dragged?.graphX);
    expect(still?.graphY).toBe(dragged?.graphY);
    // The others were free to move, and did.
    expect(after.some((n) => n.id !== ns.id && n.graphX !== others.get(n.id)?.graphX)).toBe(true);
    const view = await graphView(page);
    console.log('tidy layout:', view?.lastLayout);
    for (const n of after) expect(n.labelShown, n.value).toBe(true);
    await page.screenshot({ path: screenshotPath('demo-6-tidy') });
  });
});
