// Reading and driving the workbench page like an analyst: nodes come from the read-only
// window.tracegraphGraph probe (their on-screen positions), clicks are real mouse clicks, and a
// node off screen is brought into view by dragging the canvas, as a person pans.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { GraphProbeNode, GraphProbeView } from '../../src/renderer/model/probe';
import type { EntityType } from '../../src/shared/model';

export async function graphNodes(page: Page): Promise<GraphProbeNode[]> {
  return page.evaluate(() => {
    const probe = (globalThis as { tracegraphGraph?: { nodes(): GraphProbeNode[] } }).tracegraphGraph;
    return probe ? probe.nodes() : [];
  });
}

export async function graphView(page: Page): Promise<GraphProbeView | null> {
  return page.evaluate(() => {
    const probe = (globalThis as { tracegraphGraph?: { view(): GraphProbeView } }).tracegraphGraph;
    return probe ? probe.view() : null;
  });
}

/** Waits until the force layout has settled (nodes stop moving). */
export async function waitForLayout(page: Page, timeout = 30_000): Promise<void> {
  await expect.poll(async () => (await graphView(page))?.layout, { timeout, interval: 50 }).toBe('idle');
}

export async function graphEdges(page: Page): Promise<{ id: number; from: number; to: number; kind: string }[]> {
  return page.evaluate(() => {
    const probe = (
      globalThis as { tracegraphGraph?: { edges(): { id: number; from: number; to: number; kind: string }[] } }
    ).tracegraphGraph;
    return probe ? probe.edges() : [];
  });
}

/** Waits until a node of that type and value is drawn, and returns it (with its current position). */
export async function waitForNode(
  page: Page,
  type: EntityType,
  value: string,
  timeout = 30_000,
): Promise<GraphProbeNode> {
  let found: GraphProbeNode | undefined;
  await expect
    .poll(
      async () => {
        found = (await graphNodes(page)).find((n) => n.type === type && n.value === value);
        return found !== undefined;
      },
      { timeout, interval: 100 },
    )
    .toBe(true);
  // Take the position again after layout and fit have settled, and after Cytoscape has caught up
  // with any change of the canvas's size or place (its resize handling is debounced by 100 ms).
  await waitForLayout(page, timeout);
  await page.waitForTimeout(150);
  return (await graphNodes(page)).find((n) => n.type === type && n.value === value) as GraphProbeNode;
}

const MARGIN = 40;

const within = (n: { x: number; y: number }, box: GraphProbeView['box']): boolean =>
  n.x > box.x + MARGIN && n.x < box.x + box.width - MARGIN && n.y > box.y + MARGIN && n.y < box.y + box.height - MARGIN;

/** A spot on the canvas as far from every node as the canvas allows: where a drag pans. */
function emptySpot(nodes: readonly GraphProbeNode[], box: GraphProbeView['box']): { x: number; y: number } {
  let best = { x: box.x + box.width / 2, y: box.y + box.height - MARGIN };
  let bestGap = -1;
  for (let fx = 0.15; fx <= 0.85; fx += 0.1) {
    for (let fy = 0.2; fy <= 0.9; fy += 0.1) {
      const p = { x: box.x + box.width * fx, y: box.y + box.height * fy };
      const gap = Math.min(...nodes.map((n) => Math.hypot(n.x - p.x, n.y - p.y)));
      if (gap > bestGap) {
        best = p;
        bestGap = gap;
      }
    }
  }
  return best;
}

/** The node, panned into view first when it lies outside the canvas (a big graph is not shrunk to fit). */
export async function revealNode(page: Page, node: GraphProbeNode): Promise<GraphProbeNode> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const view = await graphView(page);
    const nodes = await graphNodes(page);
    const fresh = nodes.find((n) => n.id === node.id) ?? node;
    if (view === null || within(fresh, view.box)) return fresh;
    const from = emptySpot(nodes, view.box);
    // The drag stays on the canvas, so it may fall short; repeat for a node further off.
    const clamp = (v: number, lo: number, hi: number) => Math.max(lo + 5, Math.min(hi - 5, v));
    const to = {
      x: clamp(from.x + view.box.x + view.box.width / 2 - fresh.x, view.box.x, view.box.x + view.box.width),
      y: clamp(from.y + view.box.y + view.box.height / 2 - fresh.y, view.box.y, view.box.y + view.box.height),
    };
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 8 });
    await page.mouse.up();
  }
  return (await graphNodes(page)).find((n) => n.id === node.id) ?? node;
}

export async function clickNode(page: Page, node: GraphProbeNode, button: 'left' | 'right' = 'left'): Promise<void> {
  const fresh = await revealNode(page, node);
  await page.mouse.click(fresh.x, fresh.y, { button });
}

export async function createCase(page: Page, name: string, screenshot?: string): Promise<void> {
  await page.getByRole('button', { name: 'New case…' }).first().click();
  await page.getByLabel('Case name').fill(name);
  if (screenshot) await page.screenshot({ path: screenshot });
  await page.getByRole('button', { name: 'Create case' }).click();
  await page.getByTestId('case-name').getByText(name).waitFor();
}

export async function scanText(page: Page, text: string): Promise<void> {
  await page.getByLabel('Target', { exact: true }).fill(text);
  await page.getByRole('button', { name: 'Scan', exact: true }).click();
}

export async function readXss(page: Page): Promise<unknown> {
  return page.evaluate(() => (globalThis as { __xss?: unknown }).__xss);
}

/**
 * Leaves only the named scanners switched on in the target bar's picker. Tests that run without
 * the lab use it so that no scanner asks a server outside 127.0.0.0/8 (public resolvers, CT logs).
 */
export async function onlyScanners(page: Page, titles: string[]): Promise<void> {
  const picker = page.locator('details.scanner-picker');
  if ((await picker.getAttribute('open')) === null) await picker.locator('summary').click();
  for (const option of await picker.locator('label.scanner-option').all()) {
    const title = (await option.locator('.scanner-title').textContent()) ?? '';
    const box = option.locator('input[type="checkbox"]');
    if ((await box.isChecked()) !== titles.includes(title)) await box.click();
  }
  await picker.locator('summary').click();
}
