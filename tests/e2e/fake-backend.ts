// A stand-in web shell for UI-only browser tests: serves out/renderer and answers the API over a
// token-guarded WebSocket from memory, with a scripted "dns" scanner. It lets the UI be checked
// (layout, hostile data, bad frames) without the real core; workbench.e2e.ts tests the real one.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { type WebSocket, WebSocketServer } from 'ws';
import { assess } from '../../src/core/assessment/assess';
import {
  ApiError,
  type EventData,
  type EventName,
  type MethodName,
  parseRequest,
  type Result,
} from '../../src/shared/api';
import type {
  CaseInfo,
  Entity,
  EntityDetail,
  EntityKey,
  EvidenceText,
  Finding,
  Observation,
  Props,
  Relation,
  RelationKind,
  Run,
} from '../../src/shared/model';
import type { ScannerManifest } from '../../src/shared/scanner';
import { scopeStatus } from '../../src/shared/scope';
import { parseTarget } from '../../src/shared/target';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

function manifest(
  id: string,
  title: string,
  accepts: ScannerManifest['accepts'],
  mode: ScannerManifest['mode'],
): ScannerManifest {
  return {
    id,
    title,
    description: `${title} (fake)`,
    category: 'dns',
    accepts,
    produces: ['domain', 'ip'],
    mode,
    timeoutMs: 10_000,
    rateLimitPerSecond: null,
    options: [],
  };
}

export const FAKE_SCANNERS = [
  manifest('dns', 'DNS records', ['domain', 'ip'], 'passive'),
  manifest('whois', 'WHOIS / RDAP', ['domain'], 'passive'),
  manifest('tls', 'TLS certificate', ['domain', 'ip'], 'active'),
];

/** What the fake DNS scanner "finds", keyed by the scanned value. */
export interface FakeAnswers {
  [value: string]: {
    relations: { kind: RelationKind; to: EntityKey; props?: Props }[];
    evidence?: { source: string; text: string };
    findings?: { severity: Finding['severity']; title: string; detail: string }[];
  };
}

interface CaseData {
  info: CaseInfo;
  entities: Entity[];
  relations: Relation[];
  runs: Run[];
  findings: Finding[];
  evidence: (EvidenceText & { entityId: number })[];
  observations: (Observation & { entityId: number })[];
  /** Entities typed by the analyst or added to the scope. */
  seeds: Set<number>;
}

export interface FakeBackend {
  url: string;
  /** Sends a raw text frame to every connected page (to test how bad frames are handled). */
  sendRaw(text: string): void;
  close(): Promise<void>;
}

export async function startFakeBackend(rendererDir: string, answers: FakeAnswers): Promise<FakeBackend> {
  const token = randomBytes(12).toString('hex');
  const cases = new Map<string, CaseData>();
  let current: CaseData | null = null;
  let nextId = 1;
  const now = () => new Date().toISOString();
  const sockets = new Set<WebSocket>();

  const emit = <E extends EventName>(event: E, data: EventData<E>) => {
    const text = JSON.stringify({ event, data });
    for (const ws of sockets) ws.send(text);
  };
  const need = (): CaseData => {
    if (!current) throw new ApiError('no_case', 'no case is open: create or open one first');
    return current;
  };
  const upsertEntity = (c: CaseData, key: EntityKey, props: Props = {}): Entity => {
    const found = c.entities.find((e) => e.type === key.type && e.value === key.value);
    if (found) {
      found.lastSeen = now();
      Object.assign(found.props, props);
      return found;
    }
    const entity: Entity = { id: nextId++, ...key, props, firstSeen: now(), lastSeen: now() };
    c.entities.push(entity);
    return entity;
  };

  const runScan = (c: CaseData, run: Run, target: Entity) => {
    const update = (patch: Partial<Run>, event: 'run.started' | 'run.progress' | 'run.finished') => {
      Object.assign(run, patch);
      emit(event, { ...run });
      if (event === 'run.finished') endWaiters.get(run.id)?.();
    };
    setTimeout(() => update({ status: 'running', startedAt: now(), message: 'querying' }, 'run.started'), 80);
    setTimeout(() => update({ progress: 0.5, message: 'A, AAAA, MX, NS, TXT' }, 'run.progress'), 200);
    setTimeout(() => {
      const found = run.scannerId === 'dns' ? answers[target.value] : undefined;
      const entities: Entity[] = [target];
      const relations: Relation[] = [];
      for (const r of found?.relations ?? []) {
        const to = upsertEntity(c, r.to, r.props);
        entities.push(to);
        let rel = c.relations.find((x) => x.from === target.id && x.to === to.id && x.kind === r.kind);
        if (!rel) {
          rel = {
            id: nextId++,
            from: target.id,
            to: to.id,
            kind: r.kind,
            props: {},
            firstSeen: now(),
            lastSeen: now(),
          };
          c.relations.push(rel);
        }
        relations.push(rel);
        c.observations.push({
          id: nextId++,
          entityId: to.id,
          runId: run.id,
          scannerId: run.scannerId,
          parentEntityId: target.id,
          evidenceIds: [],
          seenAt: now(),
        });
      }
      if (found?.evidence) {
        const text = found.evidence.text;
        c.evidence.push({
          id: nextId++,
          entityId: target.id,
          sha256: 'ab'.repeat(32),
          mediaType: 'text/plain',
          source: found.evidence.source,
          size: text.length,
          capturedAt: now(),
          runId: run.id,
          text,
          truncated: false,
        });
      }
      for (const f of found?.findings ?? []) {
        c.findings.push({
          id: nextId++,
          runId: run.id,
          entityId: target.id,
          severity: f.severity,
          category: 'dns',
          title: f.title,
          detail: f.detail,
          evidenceIds: [],
          createdAt: now(),
        });
      }
      c.observations.push({
        id: nextId++,
        entityId: target.id,
        runId: run.id,
        scannerId: run.scannerId,
        parentEntityId: null,
        evidenceIds: [],
        seenAt: now(),
      });
      emit('graph.added', { entities: entities.map((e) => ({ ...e })), relations });
      update(
        { status: 'finished', progress: 1, endedAt: now(), message: `${relations.length} records` },
        'run.finished',
      );
    }, 350);
  };

  const entityOf = (c: CaseData, id: number): Entity => {
    const e = c.entities.find((x) => x.id === id);
    if (!e) throw new ApiError('not_found', `no entity ${id}`, 'params.entityId');
    return e;
  };

  const admit = (c: CaseData, t: { text: string } | { entityId: number } | EntityKey): Entity => {
    if ('entityId' in t) return entityOf(c, t.entityId);
    const parsed = parseTarget('text' in t ? t.text : t.value);
    if (!parsed.ok) throw new ApiError('invalid_target', parsed.error, 'params.target');
    if (parsed.target.internal && !c.info.settings.allowPrivateTargets) {
      throw new ApiError('target_refused', `${parsed.target.key.value} is ${parsed.target.internal}`, 'params.target');
    }
    const target = upsertEntity(c, parsed.target.key, parsed.target.unicode ? { unicode: parsed.target.unicode } : {});
    c.seeds.add(target.id);
    return target;
  };

  /** Hops from the nearest seed, as the real store counts them (relations either way). */
  const scopeOf = (c: CaseData, entity: Entity) => {
    const { scopeDistance } = c.info.settings;
    let frontier = new Set([entity.id]);
    const seen = new Set(frontier);
    let distance: number | null = null;
    for (let d = 0; d <= scopeDistance; d++) {
      if ([...frontier].some((id) => c.seeds.has(id))) {
        distance = d;
        break;
      }
      const next = new Set<number>();
      for (const r of c.relations) {
        for (const [a, b] of [
          [r.from, r.to],
          [r.to, r.from],
        ] as const) {
          if (frontier.has(a) && !seen.has(b)) {
            seen.add(b);
            next.add(b);
          }
        }
      }
      frontier = next;
    }
    return scopeStatus(distance, c.info.settings, entity.value);
  };

  const endWaiters = new Map<number, () => void>();
  const ended = (runId: number) => new Promise<void>((resolve) => endWaiters.set(runId, resolve));

  const startRun = (c: CaseData, scanner: ScannerManifest, target: Entity): Run => {
    const run: Run = {
      id: nextId++,
      scannerId: scanner.id,
      target: { type: target.type, value: target.value },
      targetEntityId: target.id,
      status: 'queued',
      progress: 0,
      message: '',
      error: null,
      createdAt: now(),
      startedAt: null,
      endedAt: null,
    };
    c.runs.push(run);
    setTimeout(() => emit('run.queued', { ...run }), 0);
    if (scanner.id === 'tls') {
      setTimeout(() => {
        Object.assign(run, { status: 'running', startedAt: now(), progress: 0.3, message: 'connecting to 443' });
        emit('run.started', { ...run });
      }, 80);
    } else runScan(c, run, target);
    return { ...run };
  };

  const handlers: { [M in MethodName]: (p: never) => Result<M> } = {
    'case.create': (p: { name: string }) => {
      const path = `/fake/cases/${p.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${nextId++}.sqlite`;
      const info: CaseInfo = {
        path,
        name: p.name,
        createdAt: now(),
        schemaVersion: 1,
        settings: { allowPrivateTargets: false, passiveOnly: false, scopeDistance: 1 },
      };
      current = {
        info,
        entities: [],
        relations: [],
        runs: [],
        findings: [],
        evidence: [],
        observations: [],
        seeds: new Set(),
      };
      cases.set(path, current);
      emit('case.changed', info);
      return info;
    },
    'case.open': (p: { path: string }) => {
      const c = cases.get(p.path);
      if (!c) throw new ApiError('not_a_case', `${p.path} is not a case file`, 'params.path');
      current = c;
      emit('case.changed', c.info);
      return c.info;
    },
    'app.info': () => ({ version: 'fake', lab: null }),
    'case.saveAs': () => {
      throw new ApiError('case_io', 'the stand-in backend keeps cases in memory only');
    },
    'case.current': () => current?.info ?? null,
    'case.listRecent': () =>
      [...cases.values()].map((c) => ({ path: c.info.path, name: c.info.name, openedAt: now() })),
    'case.close': () => {
      current = null;
      emit('case.changed', null);
      return null;
    },
    'case.updateSettings': (p: { allowPrivateTargets?: boolean }) => {
      const c = need();
      c.info = { ...c.info, settings: { ...c.info.settings, ...p } };
      emit('case.changed', c.info);
      return c.info;
    },
    'graph.get': () => ({ entities: need().entities, relations: need().relations }),
    'scanners.list': () => FAKE_SCANNERS,
    'scan.start': (p: { scannerId: string; target: { text: string } | { entityId: number } | EntityKey }) => {
      const c = need();
      const scanner = FAKE_SCANNERS.find((s) => s.id === p.scannerId);
      if (!scanner) throw new ApiError('scanner_unavailable', `no scanner "${p.scannerId}"`, 'params.scannerId');
      const target = admit(c, p.target);
      const scope = scopeOf(c, target);
      if (scanner.mode === 'active' && !scope.activeAllowed) {
        throw new ApiError('out_of_scope', `${scanner.title} is active: ${scope.reason}`, 'params.target');
      }
      return [startRun(c, scanner, target)];
    },
    'scan.full': (p: { target: { text: string } | { entityId: number } | EntityKey }) => {
      const c = need();
      const target = admit(c, p.target);
      const scope = scopeOf(c, target);
      const applicable = FAKE_SCANNERS.filter((s) => s.accepts.includes(target.type));
      const refused = applicable.filter((s) => s.mode === 'active' && !scope.activeAllowed);
      const runs = applicable.filter((s) => !refused.includes(s)).map((s) => startRun(c, s, target));
      Promise.all(runs.map((r) => ended(r.id))).then(
        () => emit('fullScan.finished', { targetEntityId: target.id, runIds: runs.map((r) => r.id) }),
        () => {},
      );
      return {
        targetEntityId: target.id,
        runs,
        phase2: [],
        skipped: refused.map((s) => ({ scannerId: s.id, reason: `${target.value}: ${scope.reason}` })),
      };
    },
    'scope.add': (p: { entityId: number }) => {
      const c = need();
      const entity = entityOf(c, p.entityId);
      c.seeds.add(entity.id);
      return entity;
    },
    'scope.check': (p: { entityId: number }) => {
      const c = need();
      return scopeOf(c, entityOf(c, p.entityId));
    },
    'assessment.get': (p: { entityId: number }) => {
      const c = need();
      return assess({
        target: entityOf(c, p.entityId),
        graph: { entities: c.entities, relations: c.relations },
        findings: c.findings,
        runs: c.runs,
      });
    },
    'scan.cancel': (p: { runId: number }) => {
      const run = need().runs.find((r) => r.id === p.runId);
      if (!run || (run.status !== 'queued' && run.status !== 'running')) {
        throw new ApiError('not_found', `run ${p.runId} is not queued or running`, 'params.runId');
      }
      Object.assign(run, { status: 'cancelled', endedAt: now(), message: 'cancelled by the analyst' });
      emit('run.finished', { ...run });
      endWaiters.get(run.id)?.();
      return null;
    },
    'runs.list': () => need().runs,
    'findings.list': () => need().findings,
    'entity.get': (p: { entityId: number }): EntityDetail => {
      const c = need();
      const entity = c.entities.find((e) => e.id === p.entityId);
      if (!entity) throw new ApiError('not_found', `no entity ${p.entityId}`, 'params.entityId');
      const strip = <T extends { entityId: number }>(list: T[]) =>
        list.filter((x) => x.entityId === entity.id).map(({ entityId: _, ...rest }) => rest);
      return {
        entity,
        observations: strip(c.observations),
        findings: c.findings.filter((f) => f.entityId === entity.id),
        evidence: strip(c.evidence),
        relations: c.relations.filter((r) => r.from === entity.id || r.to === entity.id),
      };
    },
  };

  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = normalize(join(rendererDir, path === '/' ? 'index.html' : path));
    const type = TYPES[extname(file)];
    if (!file.startsWith(rendererDir) || !type) {
      res.writeHead(404).end();
      return;
    }
    try {
      res.writeHead(200, { 'Content-Type': type }).end(await readFile(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/api' || url.searchParams.get('token') !== token) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (raw) => {
        let id = 0;
        try {
          const frame = JSON.parse(raw.toString()) as { id?: unknown };
          id = typeof frame.id === 'number' ? frame.id : 0;
          const request = parseRequest(frame);
          const handler = handlers[request.method] as (p: unknown) => unknown;
          ws.send(JSON.stringify({ id, ok: true, result: handler(request.params) }));
        } catch (error) {
          const body =
            error instanceof ApiError ? error.toBody() : { code: 'internal', message: (error as Error).message };
          ws.send(JSON.stringify({ id, ok: false, error: body }));
        }
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    sendRaw: (text) => {
      for (const ws of sockets) ws.send(text);
    },
    close: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
