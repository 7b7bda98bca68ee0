// The UI in a real browser against a stand-in backend (tests/e2e/fake-backend.ts): case flow,
// validation, graph growth by right-click pivots, the side panel with hostile data, bad frames,
// reload. Screenshots go to test-results/ui-*.png.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTarget } from '../../src/shared/target';
import { type Browser, launchBrowser, watchPage } from './browser';
import { type FakeBackend, startFakeBackend } from './fake-backend';
import { clickNode, createCase, graphEdges, graphNodes, readXss, scanText, waitForNode } from './page-helpers';
import { requireRendererBuild, screenshotPath } from './paths';

const XSS = '<img src=x onerror=window.__xss=1>';

describe('workbench UI (fake backend)', () => {
  let backend: FakeBackend;
  let browser: Browser;
  let page: Page;
  let watched: { errors: string[] };

  beforeAll(async () => {
    backend = await startFakeBackend(requireRendererBuild(), {
      'nova-parcels.com': {
        relations: [
          { kind: 'resolves_to', to: { type: 'ip', value: '185.220.101.47' } },
          { kind: 'resolves_to', to: { type: 'ip', value: '2a0b:4140:1::47' } },
          { kind: 'has_ns', to: { type: 'domain', value: 'ns1.nova-dns.net' } },
          { kind: 'has_ns', to: { type: 'domain', value: 'ns2.nova-dns.net' } },
          { kind: 'has_mx', to: { type: 'domain', value: 'mail.nova-parcels.com' } },
          { kind: 'subdomain_of', to: { type: 'domain', value: 'xn--nva-parcels-x8a.com' }, props: { unicode: XSS } },
        ],
        evidence: { source: 'dns://127.0.0.1/nova-parcels.com/TXT', text: `nova-parcels.com. 300 IN TXT "${XSS}"` },
        findings: [
          { severity: 'high', title: 'No SPF record', detail: 'Anyone can send mail as this domain.' },
          { severity: 'medium', title: `TXT says ${XSS}`, detail: XSS },
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
  });

  afterAll(async () => {
    await browser?.close();
    await backend?.close();
  });

  it('says no case is open and offers New and Open', async () => {
    await page.getByTestId('no-case').waitFor();
    expect(await page.getByTestId('connection').textContent()).toBe('connected');
    await page.screenshot({ path: screenshotPath('ui-1-no-case') });
  });

  it('shows the parser message for an invalid target and sends nothing', async () => {
    const bad = 'http://nova-parcels.com/login';
    const expected = parseTarget(bad);
    await page.getByLabel('Target', { exact: true }).fill(bad);
    const shown = await page.getByTestId('target-error').textContent();
    expect(expected.ok).toBe(false);
    expect(shown).toBe(expected.ok ? '' : expected.error);
    await page.getByRole('button', { name: 'Scan', exact: true }).click();
    expect(await page.locator('.need-case').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('ui-2-invalid-target') });
  });

  it('asks for a case before scanning', async () => {
    await scanText(page, 'nova-parcels.com');
    await page.getByText('No case is open. Create or open a case first').waitFor();
    await page.screenshot({ path: screenshotPath('ui-3-need-case') });
  });

  it('creates a case, scans, and draws the DNS results', async () => {
    await createCase(page, 'Parcel phishing', screenshotPath('ui-3b-new-case-dialog'));
    await page.getByRole('button', { name: 'Scan', exact: true }).click();
    await waitForNode(page, 'ip', '185.220.101.47');
    await waitForNode(page, 'domain', 'ns1.nova-dns.net');
    await waitForNode(page, 'domain', 'mail.nova-parcels.com');
    await page.locator('tr[data-status="finished"]').first().waitFor();
    const graph = page.getByTestId('graph');
    expect(await graph.getAttribute('data-nodes')).toBe('7');
    expect(await graph.getAttribute('data-edges')).toBe('6');
    // Every node is on screen, inside the canvas.
    const box = await graph.boundingBox();
    for (const n of await graphNodes(page)) {
      expect(n.x).toBeGreaterThan(box?.x ?? 0);
      expect(n.x).toBeLessThan((box?.x ?? 0) + (box?.width ?? 0));
      expect(n.y).toBeGreaterThan(box?.y ?? 0);
      expect(n.y).toBeLessThan((box?.y ?? 0) + (box?.height ?? 0));
    }
    await page.screenshot({ path: screenshotPath('ui-4-graph') });
  });

  it('shows hostile scan data as text in the side panel', async () => {
    const domain = await waitForNode(page, 'domain', 'nova-parcels.com');
    await clickNode(page, domain);
    await page.getByTestId('entity-value').getByText('nova-parcels.com').waitFor();
    await page.locator('.finding-title', { hasText: 'No SPF record' }).waitFor();
    await page.locator('details.evidence summary').first().click();
    const pre = page.locator('pre.evidence-text').first();
    expect(await pre.textContent()).toContain(XSS);
    expect(await page.locator('.side-panel img').count()).toBe(0);
    // The node whose Unicode form is the payload is labelled with it, as canvas text.
    const weird = await waitForNode(page, 'domain', 'xn--nva-parcels-x8a.com');
    expect(weird.label).toBe(XSS);
    await clickNode(page, weird);
    await page.getByTestId('entity-value').getByText(XSS).waitFor();
    expect(await readXss(page)).toBeUndefined();
    await clickNode(page, domain);
    await page.locator('.finding-title', { hasText: 'No SPF record' }).waitFor();
    await page.locator('details.evidence summary').first().click();
    await page.screenshot({ path: screenshotPath('ui-5-side-panel') });
  });

  it('pivots from an IP with the right-click menu', async () => {
    const ip = await waitForNode(page, 'ip', '185.220.101.47');
    await clickNode(page, ip, 'right');
    const menu = page.getByTestId('context-menu');
    await menu.waitFor();
    // Keyboard: the first scanner has focus, arrows move through the list.
    expect(
      await menu
        .getByRole('menuitem')
        .first()
        .evaluate((el) => el === el.ownerDocument.activeElement),
    ).toBe(true);
    await page.keyboard.press('ArrowDown');
    expect(
      await menu
        .getByRole('menuitem')
        .nth(1)
        .evaluate((el) => el === el.ownerDocument.activeElement),
    ).toBe(true);
    const items = await menu.getByRole('menuitem').allTextContents();
    expect(items).toEqual(['Full Scan', 'DNS recordspassive', 'TLS certificateactive']);
    await page.screenshot({ path: screenshotPath('ui-6-context-menu') });
    await menu.getByRole('menuitem', { name: /DNS records/ }).click();
    await menu.waitFor({ state: 'detached' });
    await waitForNode(page, 'domain', 'srv47.bulletproof-host.example');
    const edges = await graphEdges(page);
    expect(edges.some((e) => e.kind === 'ptr_to' && e.from === ip.id)).toBe(true);
    await page.screenshot({ path: screenshotPath('ui-7-after-pivot') });
  });

  it('cancels a running scan from the run list', async () => {
    const ip = await waitForNode(page, 'ip', '185.220.101.47');
    await clickNode(page, ip);
    await page.getByRole('button', { name: 'Run scanner…' }).click();
    await page
      .locator('.panel-chooser')
      .getByRole('menuitem', { name: /TLS certificate/ })
      .click();
    // The domain's TLS run from the first scan is still running too: pick the IP's.
    const row = page.locator('tr[data-status="running"]', { hasText: '185.220.101.47' });
    await row.waitFor();
    await row.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('tr[data-status="cancelled"]', { hasText: '185.220.101.47' }).waitFor();
  });

  it('holds back internal targets until the case allows them', async () => {
    await page.getByLabel('Target', { exact: true }).fill('10.1.2.3');
    await page.getByText('Internal target: a private address.').waitFor();
    const scan = page.getByRole('button', { name: 'Scan', exact: true });
    expect(await scan.isDisabled()).toBe(true);
    await page.screenshot({ path: screenshotPath('ui-8-internal-target') });
    await page.getByLabel('Allow internal targets for this case').check();
    await expect.poll(() => scan.isDisabled()).toBe(false);
    await page.getByLabel('Allow internal targets for this case').uncheck();
    await expect.poll(() => scan.isDisabled()).toBe(true);
  });

  it('reports malformed frames from the backend and keeps working', async () => {
    backend.sendRaw('{not json');
    backend.sendRaw(JSON.stringify({ event: 'graph.added', data: { entities: [{ id: 'x' }], relations: [] } }));
    await page
      .getByTestId('problem')
      .getByText(/malformed graph.added event/)
      .waitFor();
    expect(await graphNodes(page)).toHaveLength(8);
    await page.screenshot({ path: screenshotPath('ui-9-bad-frame') });
    await page.getByRole('button', { name: 'Dismiss' }).click();
  });

  it('shows the same graph after a reload', async () => {
    const before = (await graphNodes(page)).map((n) => n.value).sort();
    await page.reload();
    await waitForNode(page, 'domain', 'srv47.bulletproof-host.example');
    expect((await graphNodes(page)).map((n) => n.value).sort()).toEqual(before);
    expect(await readXss(page)).toBeUndefined();
  });

  it('logged no errors and no CSP violations', () => {
    expect(watched.errors).toEqual([]);
  });
});
