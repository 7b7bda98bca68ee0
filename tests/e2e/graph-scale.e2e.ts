// The graph canvas with a few hundred nodes (stand-in backend): labels stay readable at the fitted
// zoom (a big graph is panned, not shrunk to dots), nodes do not pile up, and the force layout
// runs in slices that never hold the UI thread for long. Screenshots: test-results/scale-*.png.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelationKind } from '../../src/shared/model';
import { type Browser, launchBrowser, watchPage } from './browser';
import { type FakeAnswers, type FakeBackend, startFakeBackend } from './fake-backend';
import { createCase, graphNodes, graphView, onlyScanners, scanText, waitForLayout } from './page-helpers';
import { requireRendererBuild, screenshotPath } from './paths';

const hex = (i: number) => (i * 2654435761).toString(16).padStart(8, '0').slice(0, 8).repeat(8);

function leaves(prefix: string, count: number): FakeAnswers[string]['relations'] {
  const out: FakeAnswers[string]['relations'] = [];
  for (let i = 0; i < count; i++) {
    const pick = i % 5;
    const kind: RelationKind = ['subdomain_of', 'resolves_to', 'covered_by_cert', 'uses_technology', 'has_mx'][
      pick
    ] as RelationKind;
    const to =
      pick === 1
        ? { type: 'ip' as const, value: `10.${prefix.length}.${Math.floor(i / 200)}.${i % 200}` }
        : pick === 2
          ? { type: 'certificate' as const, value: `sha256:${hex(i + prefix.length * 1000)}` }
          : pick === 3
            ? { type: 'technology' as const, value: `${prefix}-lib${i}@${i % 7}.${i % 3}.0` }
            : { type: 'domain' as const, value: `host-${i}.${prefix}.example` };
    out.push({ kind, to });
  }
  return out;
}

/** Every node's label is drawn and at least 9 px tall on screen. */
async function expectReadable(page: Page): Promise<void> {
  const nodes = await graphNodes(page);
  for (const n of nodes) {
    expect(n.labelShown, n.value).toBe(true);
    expect(n.fontPx, n.value).toBeGreaterThanOrEqual(9);
  }
}

/** No two nodes drawn on the same spot among those on screen. */
async function expectApart(page: Page): Promise<void> {
  const view = await graphView(page);
  const box = view?.box ?? { x: 0, y: 0, width: 0, height: 0 };
  const shown = (await graphNodes(page)).filter(
    (n) => n.x > box.x && n.x < box.x + box.width && n.y > box.y && n.y < box.y + box.height,
  );
  expect(shown.length).toBeGreaterThan(10);
  for (const [i, a] of shown.entries()) {
    for (const b of shown.slice(i + 1)) {
      expect(Math.abs(a.x - b.x) > 20 || Math.abs(a.y - b.y) > 20, `${a.value} / ${b.value}`).toBe(true);
    }
  }
}

describe('graph canvas at a few hundred nodes (fake backend)', () => {
  let backend: FakeBackend;
  let browser: Browser;
  let page: Page;
  let watched: { errors: string[] };

  beforeAll(async () => {
    backend = await startFakeBackend(requireRendererBuild(), {
      'hub.example': { relations: leaves('hub', 150) },
      'host-0.hub.example': { relations: leaves('second', 150) },
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

  it('lays out 151 nodes with readable labels at the fitted zoom', async () => {
    await createCase(page, 'Scale');
    await onlyScanners(page, ['DNS records']);
    await scanText(page, 'hub.example');
    await expect.poll(async () => (await graphNodes(page)).length, { timeout: 30_000 }).toBe(151);
    await waitForLayout(page);
    await page.getByRole('button', { name: 'Fit', exact: true }).click();
    const view = await graphView(page);
    expect(view?.zoom).toBeGreaterThanOrEqual(0.75);
    await expectReadable(page);
    await expectApart(page);
    console.log('151 nodes, layout:', view?.lastLayout);
    // Spread over frames, never one long block of the UI thread (how long each took is printed, not judged).
    expect(view?.lastLayout?.slices ?? 0).toBeGreaterThan(1);
    await page.screenshot({ path: screenshotPath('scale-1-151-nodes') });
  });

  it('adds 150 more around a pivot without moving the first ones', async () => {
    const before = new Map((await graphNodes(page)).map((n) => [n.id, n]));
    await scanText(page, 'host-0.hub.example');
    await expect.poll(async () => (await graphNodes(page)).length, { timeout: 30_000 }).toBe(301);
    await waitForLayout(page);
    const after = await graphNodes(page);
    for (const n of after) {
      const old = before.get(n.id);
      if (old) expect([n.graphX, n.graphY], n.value).toEqual([old.graphX, old.graphY]);
    }
    await page.getByRole('button', { name: 'Fit', exact: true }).click();
    await expectReadable(page);
    await expectApart(page);
    const view = await graphView(page);
    console.log('301 nodes, incremental layout:', view?.lastLayout);
    // Spread over frames, never one long block of the UI thread (how long each took is printed, not judged).
    expect(view?.lastLayout?.slices ?? 0).toBeGreaterThan(1);
    await page.screenshot({ path: screenshotPath('scale-2-301-nodes') });
  });

  it('tidies 301 nodes in slices', async () => {
    await page.getByRole('button', { name: 'Tidy layout' }).click();
    await waitForLayout(page);
    const view = await graphView(page);
    console.log('301 nodes, tidy layout:', view?.lastLayout);
    expect(view?.lastLayout?.moved).toBe(301);
    // Spread over frames, never one long block of the UI thread (how long each took is printed, not judged).
    expect(view?.lastLayout?.slices ?? 0).toBeGreaterThan(1);
    await expectReadable(page);
    await page.screenshot({ path: screenshotPath('scale-3-tidy') });
  });

  it('keeps the names of the scanned targets when zoomed far out, and drops the others', async () => {
    const view = await graphView(page);
    const box = view?.box ?? { x: 0, y: 0, width: 0, height: 0 };
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 40 && ((await graphView(page))?.zoom ?? 0) > 0.3; i++) {
      await page.mouse.wheel(0, 400);
      await page.waitForTimeout(50);
    }
    expect((await graphView(page))?.zoom).toBeLessThan(0.5);
    // The zoom handler resizes key labels on the next frame.
    await page.waitForTimeout(100);
    const nodes = await graphNodes(page);
    for (const value of ['hub.example', 'host-0.hub.example']) {
      const target = nodes.find((n) => n.value === value);
      expect(target?.labelShown, value).toBe(true);
      expect(target?.fontPx, value).toBeGreaterThanOrEqual(8.9);
    }
    expect(nodes.filter((n) => n.labelShown).length).toBeLessThan(10);
    await page.screenshot({ path: screenshotPath('scale-4-zoomed-out') });
    expect(watched.errors).toEqual([]);
  });
});
