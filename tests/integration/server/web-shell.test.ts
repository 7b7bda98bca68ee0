import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { CoreService } from '../../../src/core/service/core-service';
import { createNodeCore } from '../../../src/core/service/node-core';
import { startWebShell, type WebShell } from '../../../src/server/web-shell';

let shell: WebShell;
let service: CoreService;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tg-shell-'));
  const staticDir = join(dir, 'renderer');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Tracegraph</title>');
  writeFileSync(join(dir, 'secret.txt'), 'outside the renderer');
  service = createNodeCore(join(dir, 'data'), { resolvers: ['127.0.0.1:9'] });
  shell = await startWebShell({ service, staticDir });
});

afterAll(async () => {
  await service.shutdown();
  await shell.close();
});

function connect(query: string, origin?: string): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${shell.port}/api${query}`, origin ? { origin } : {});
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function request(ws: WebSocket, frame: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (raw: WebSocket.RawData) => {
      const message = JSON.parse(raw.toString()) as Record<string, unknown>;
      if ('event' in message) return;
      ws.off('message', onMessage);
      resolve(message);
    };
    ws.on('message', onMessage);
    ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  });
}

describe('web shell', () => {
  it('listens on 127.0.0.1 and prints a URL with a long random token', () => {
    expect(shell.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  it('serves the renderer with a strict CSP and nothing outside it', async () => {
    const page = await fetch(`http://127.0.0.1:${shell.port}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<title>Tracegraph</title>');
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const res = await fetch(`http://127.0.0.1:${shell.port}${path}`);
      expect(res.status, path).toBe(404);
    }
  });

  it('refuses API connections without the token, with a wrong one, or from another origin', async () => {
    await expect(connect('')).rejects.toThrow('HTTP 401');
    await expect(connect('?token=wrong')).rejects.toThrow('HTTP 401');
    await expect(connect(`?token=${shell.token}`, 'http://evil.example')).rejects.toThrow('HTTP 403');
    const ws = await connect(`?token=${shell.token}`, `http://127.0.0.1:${shell.port}`);
    ws.close();
  });

  it('answers invalid messages with an error naming the bad field, and keeps serving', async () => {
    const ws = await connect(`?token=${shell.token}`);
    expect(await request(ws, 'not json')).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', field: '(root)' },
    });
    expect(await request(ws, { id: 1, method: 'case.destroy', params: {} })).toMatchObject({
      id: 1,
      ok: false,
      error: { code: 'invalid_request', field: 'method' },
    });
    expect(await request(ws, { id: 2, method: 'case.create', params: { name: 42 } })).toMatchObject({
      id: 2,
      ok: false,
      error: { code: 'invalid_request', field: 'params.name' },
    });
    expect(await request(ws, { id: 3, method: 'graph.get', params: {} })).toMatchObject({
      id: 3,
      ok: false,
      error: { code: 'no_case' },
    });
    const created = await request(ws, { id: 4, method: 'case.create', params: { name: 'Shell test' } });
    expect(created).toMatchObject({ id: 4, ok: true, result: { name: 'Shell test' } });
    expect(await request(ws, { id: 5, method: 'graph.get', params: {} })).toMatchObject({
      id: 5,
      ok: true,
      result: { entities: [], relations: [] },
    });
    ws.close();
  });
});
