// The whole workbench in a real browser against the real web shell and the lab's DNS server:
// create a case, scan a domain, pivot from an IP with the right-click menu, reload and find the
// same graph; invalid input and hostile record data on the way. Screenshots: test-results/workbench-*.png.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DnsServer, startDnsServer, type ZoneInput } from '../../src/lab/dns';
import { parseTarget } from '../../src/shared/target';
import { type Browser, launchBrowser, watchPage } from './browser';
import {
  clickNode,
  createCase,
  graphEdges,
  graphNodes,
  onlyScanners,
  readXss,
  scanText,
  waitForNode,
} from './page-helpers';
import { requireRendererBuild, screenshotPath } from './paths';
import { startWebShell, type WebShellProcess } from './web-shell';

const XSS = '<img src=x onerror=window.__xss=1>';
const DOMAIN = 'nova-parcels.com';
const IP = '185.220.101.47';
const PTR_NAME = 'host47.ams.vps-provider.net';

const SOA = (mname: string) => `${mname} hostmaster.${DOMAIN} 2024110501 3600 600 604800 300`;

const forward: ZoneInput = {
  origin: DOMAIN,
  records: [
    { name: '@', type: 'SOA', data: SOA('ns1.nova-dns.net') },
    { name: '@', type: 'A', data: IP },
    { name: '@', type: 'AAAA', data: '2a0b:4140:1::47' },
    { name: '@', type: 'MX', data: `10 mail.${DOMAIN}` },
    { name: '@', type: 'NS', data: 'ns1.nova-dns.net' },
    { name: '@', type: 'NS', data: 'ns2.nova-dns.net' },
    { name: '@', type: 'TXT', data: XSS },
    { name: 'mail', type: 'A', data: '185.220.101.48' },
  ],
};

/** The reverse zone; `withPtr` false answers NXDOMAIN for the address's PTR. */
function reverse(withPtr: boolean): ZoneInput {
  return {
    origin: '101.220.185.in-addr.arpa',
    records: [
      { name: '@', type: 'SOA', data: `ns1.vps-provider.net hostmaster.vps-provider.net 1 3600 600 604800 300` },
      ...(withPtr ? [{ name: '47', type: 'PTR' as const, data: PTR_NAME }] : []),
    ],
  };
}

describe('workbench (real web shell, lab DNS)', () => {
  let dns: DnsServer;
  let shell: WebShellProcess;
  let browser: Browser;
  let page: Page;
  let watched: { errors: string[] };

  beforeAll(async () => {
    requireRendererBuild();
    // The domain's own scan looks up PTRs too; the reverse zone starts without the PTR so the
    // PTR name can only come from the pivot on the IP (the zone gains it before the pivot).
    dns = await startDnsServer({ port: 0, zones: [forward, reverse(false)] });
    shell = await startWebShell({ resolver: `127.0.0.1:${dns.address.port}` });
    browser = await launchBrowser();
    page = await browser.newPage();
    watched = watchPage(page);
    await page.goto(shell.url);
  });

  afterAll(async () => {
    await browser?.close();
    await shell?.stop();
    await dns?.stop();
  });

  it('opens with no case and refuses an invalid target with the parser message', async () => {
    await page.getByTestId('no-case').waitFor();
    const bad = 'nova parcels.com';
    const expected = parseTarget(bad);
    await page.getByLabel('Target', { exact: true }).fill(bad);
    expect(expected.ok).toBe(false);
    expect(await page.getByTestId('target-error').textContent()).toBe(expected.ok ? '' : expected.error);
    await page.getByRole('button', { name: 'Scan', exact: true }).click();
    expect(await page.locator('.need-case').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('workbench-1-invalid') });
  });

  it('creates a case, scans the domain and draws what DNS says', async () => {
    await createCase(page, 'Nova parcels');
    await page.getByLabel('Target', { exact: true }).fill(DOMAIN);
    // Only the DNS scanner: the others would ask public resolvers and CT logs, off loopback.
    await onlyScanners(page, ['DNS records']);
    expect(await page.getByTestId('scanner-summary').textContent()).toMatch(/^1 of \d+ domain scanners$/);
    await scanText(page, DOMAIN);
    await waitForNode(page, 'ip', IP);
    await waitForNode(page, 'ip', '2a0b:4140:1::47');
    await waitForNode(page, 'domain', 'ns1.nova-dns.net');
    await waitForNode(page, 'domain', 'ns2.nova-dns.net');
    await waitForNode(page, 'domain', `mail.${DOMAIN}`);
    await page.locator('tr[data-status="finished"]').first().waitFor({ timeout: 30_000 });
    expect((await graphNodes(page)).some((n) => n.value === PTR_NAME)).toBe(false);
    await page.screenshot({ path: screenshotPath('workbench-2-domain-scanned') });
  });

  it('shows the TXT payload as text and runs nothing', async () => {
    await clickNode(page, await waitForNode(page, 'domain', DOMAIN));
    await page.getByTestId('entity-value').getByText(DOMAIN).waitFor();
    const panel = page.locator('.side-panel');
    await expect.poll(async () => (await panel.textContent())?.includes(XSS)).toBe(true);
    const txtEvidence = page.locator('details.evidence', { hasText: 'type=TXT' }).first();
    await txtEvidence.locator('summary').click();
    expect(await txtEvidence.locator('pre').textContent()).toContain(XSS);
    expect(await panel.locator('img').count()).toBe(0);
    expect(await readXss(page)).toBeUndefined();
    await page.screenshot({ path: screenshotPath('workbench-3-txt-as-text') });
  });

  it('pivots from the IP with the right-click menu and finds its PTR name', async () => {
    await dns.stop();
    dns = await startDnsServer({ port: dns.address.port, zones: [forward, reverse(true)] });
    const ip = await waitForNode(page, 'ip', IP);
    await clickNode(page, ip, 'right');
    const menu = page.getByTestId('context-menu');
    await menu.waitFor();
    const item = menu.getByRole('menuitem', { name: /DNS records/ });
    expect(await item.textContent()).toContain('passive');
    await page.screenshot({ path: screenshotPath('workbench-4-context-menu') });
    await item.click();
    const ptr = await waitForNode(page, 'domain', PTR_NAME);
    expect((await graphEdges(page)).some((e) => e.kind === 'ptr_to' && e.from === ip.id && e.to === ptr.id)).toBe(true);
    await page.locator(`tr[data-status="finished"]`, { hasText: IP }).waitFor();
    await page.screenshot({ path: screenshotPath('workbench-5-after-pivot') });
  });

  it('shows the same graph after a reload, from the saved case', async () => {
    const before = (await graphNodes(page)).map((n) => `${n.type}:${n.value}`).sort();
    const edgesBefore = (await graphEdges(page)).length;
    await page.reload();
    await waitForNode(page, 'domain', PTR_NAME);
    expect((await graphNodes(page)).map((n) => `${n.type}:${n.value}`).sort()).toEqual(before);
    expect(await graphEdges(page)).toHaveLength(edgesBefore);
    expect(await page.getByTestId('case-name').textContent()).toBe('Nova parcels');
    expect(await readXss(page)).toBeUndefined();
    await page.screenshot({ path: screenshotPath('workbench-6-reloaded') });
  });

  it('closes the case and opens it again from the recent list', async () => {
    const before = (await graphNodes(page)).length;
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByTestId('no-case').waitFor();
    await page.getByRole('button', { name: 'Open…', exact: true }).click();
    const recent = page.locator('.recent-item', { hasText: 'Nova parcels' });
    await recent.waitFor();
    await page.screenshot({ path: screenshotPath('workbench-7-open-dialog') });
    await recent.click();
    await waitForNode(page, 'domain', PTR_NAME);
    expect(await graphNodes(page)).toHaveLength(before);
    expect(await page.getByTestId('case-name').textContent()).toBe('Nova parcels');
  });

  it('logged no errors and no CSP violations', () => {
    expect(watched.errors).toEqual([]);
  });
});
