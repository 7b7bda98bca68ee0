// Reading and driving the workbench page like an analyst: nodes come from the read-only
// window.tracegraphGraph probe (their on-screen positions), clicks are real mouse clicks.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { GraphProbeNode } from '../../src/renderer/model/probe';
import type { EntityType } from '../../src/shared/model';

export async function graphNodes(page: Page): Promise<GraphProbeNode[]> {
  return page.evaluate(() => {
    const probe = (globalThis as { tracegraphGraph?: { nodes(): GraphProbeNode[] } }).tracegraphGraph;
    return probe ? probe.nodes() : [];
  });
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
  // Take the position again after layout and fit have settled.
  await page.waitForTimeout(150);
  return (await graphNodes(page)).find((n) => n.type === type && n.value === value) as GraphProbeNode;
}

export async function clickNode(page: Page, node: GraphProbeNode, button: 'left' | 'right' = 'left'): Promise<void> {
  const fresh = (await graphNodes(page)).find((n) => n.id === node.id) ?? node;
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
