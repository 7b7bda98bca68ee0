// The lab's WHOIS servers (port 43, RFC 3912): one loopback listener per server host name — each
// TLD's registry, each registrar named by a record, and whois.iana.org — with a lab address, an A
// record so the lab DNS resolves the name, and a route from that address's port 43 to the
// listener. A client sends one line and the server answers and closes, unless the record asks
// it to misbehave (hang, reset, a byte a second, or an answer that never ends).
import { createServer, type Server, type Socket } from 'node:net';
import type * as z from 'zod';
import type { LabRoute } from '../../shared/scanner';
import { listen } from '../connections';
import type { ZoneInput } from '../dns/zone';
import { payloadBytes } from '../scenario/bytes';
import type { Behaviour, WhoisRecord } from '../scenario/schema';
import { echoQuery, parseWhoisQuery, takeQueryLine } from './query';
import { IANA_SERVER, ianaAnswer, registrarNotFound, registryNotFound, registryServerFor, tldOf } from './registries';

type WhoisRecordData = z.infer<typeof WhoisRecord>;
type BehaviourName = z.infer<typeof Behaviour>;

export const WHOIS_PORT = 43;
/** Lab addresses come from TEST-NET-1, which nothing real uses. */
const LAB_NET = '192.0.2.';
const LAB_HOSTS = 254;
/** A client that connects and says nothing is dropped after this long. */
const IDLE_MS = 10_000;
const MAX_CLIENTS = 256;
const SLOW_INTERVAL_MS = 1000;
const RESET_DELAY_MS = 50;

export interface WhoisServerInfo {
  hostname: string;
  /** The server's lab address (192.0.2.x); its A record is in `zones`. */
  address: string;
  /** Always 43: the port clients dial on the lab address. */
  port: number;
  /** Where the route for address:43 really goes. */
  listener: { host: string; port: number };
}

export interface WhoisLab {
  servers: WhoisServerInfo[];
  /** address:43/tcp → listener, for the lab's wiring. */
  routes: LabRoute[];
  /** One zone per server host name, holding its A record, for the lab DNS server. */
  zones: ZoneInput[];
  stop(): Promise<void>;
}

interface Answer {
  bytes: Buffer;
  behaviour: BehaviourName;
}

/** Everything one host name answers: the scenario's records, then its roles' usual replies. */
interface ServerPlan {
  hostname: string;
  answers: Map<string, Answer>;
  iana: boolean;
  registry: boolean;
}

function planServers(records: readonly WhoisRecordData[]): {
  plans: Map<string, ServerPlan>;
  registries: Map<string, string>;
} {
  const plans = new Map<string, ServerPlan>();
  const plan = (hostname: string): ServerPlan => {
    let found = plans.get(hostname);
    if (!found) {
      found = { hostname, answers: new Map(), iana: false, registry: false };
      plans.set(hostname, found);
    }
    return found;
  };
  plan(IANA_SERVER).iana = true;
  // IANA refers each TLD to one server: the first record of that TLD decides.
  const registries = new Map<string, string>();
  for (const record of records) {
    const tld = tldOf(record.domain);
    const hostname = record.registryServer ?? registryServerFor(tld);
    if (!registries.has(tld)) registries.set(tld, hostname);
    const server = plan(hostname);
    server.registry = true;
    if (!server.answers.has(record.domain)) {
      server.answers.set(record.domain, { bytes: payloadBytes(record.registry), behaviour: record.behaviour });
    }
  }
  // Registrar answers come second so a server that is also the registry keeps the registry's text.
  for (const record of records) {
    if (!record.registrar) continue;
    const server = plan(record.registrar.server);
    if (!server.answers.has(record.domain)) {
      server.answers.set(record.domain, {
        bytes: payloadBytes(record.registrar.text),
        behaviour: record.registrar.behaviour ?? record.behaviour,
      });
    }
  }
  return { plans, registries };
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * Lab addresses by host name: each name hashes to a preferred address, taken in name order with
 * the next free one on a clash, so the same scenario always gets the same addresses. Addresses
 * the scenario itself names are `taken`: a WHOIS server never shares one with a scenario host.
 */
export function allocateAddresses(
  hostnames: readonly string[],
  taken: ReadonlySet<string> = new Set(),
): Map<string, string> {
  const names = [...new Set(hostnames)].sort();
  const used = new Set<number>();
  for (let host = 1; host <= LAB_HOSTS; host++) if (taken.has(`${LAB_NET}${host}`)) used.add(host);
  if (names.length > LAB_HOSTS - used.size) {
    throw new Error(
      `the lab has room for ${LAB_HOSTS - used.size} WHOIS servers in ${LAB_NET}0/24 besides the scenario's own addresses there, the scenario names ${names.length}`,
    );
  }
  const out = new Map<string, string>();
  for (const name of names) {
    const start = fnv1a(name) % LAB_HOSTS;
    for (let i = 0; i < LAB_HOSTS; i++) {
      const host = 1 + ((start + i) % LAB_HOSTS);
      if (used.has(host)) continue;
      used.add(host);
      out.set(name, `${LAB_NET}${host}`);
      break;
    }
  }
  return out;
}

function answerFor(plan: ServerPlan, registries: ReadonlyMap<string, string>, line: string): Answer {
  const name = parseWhoisQuery(line);
  const known = name === null ? undefined : plan.answers.get(name);
  if (known) return known;
  let text: string;
  if (plan.iana) text = ianaAnswer(name, registries);
  else if (plan.registry) text = registryNotFound(plan.hostname, name, echoQuery(line), new Date());
  else text = registrarNotFound(name, echoQuery(line));
  return { bytes: Buffer.from(text, 'utf8'), behaviour: 'normal' };
}

/** Writes an answer the way the record's behaviour says; `cleanup` runs when the socket closes. */
function deliver(socket: Socket, bytes: Buffer, behaviour: BehaviourName, cleanup: Set<() => void>): void {
  switch (behaviour) {
    case 'normal':
      socket.end(bytes);
      return;
    case 'hang':
      // Never answers and never closes: only the client's deadline (or stop()) ends it.
      socket.setTimeout(0);
      return;
    case 'reset': {
      const part = bytes.subarray(0, Math.floor(bytes.length / 2));
      if (part.length === 0) {
        socket.resetAndDestroy();
        return;
      }
      // Reset a moment after the first half left: a reset right behind the data can reach the
      // client as a plain end of stream.
      socket.write(part, () => {
        const timer = setTimeout(() => socket.resetAndDestroy(), RESET_DELAY_MS);
        cleanup.add(() => clearTimeout(timer));
      });
      return;
    }
    case 'slow': {
      let sent = 0;
      const tick = (): void => {
        if (socket.destroyed) return;
        if (sent >= bytes.length) {
          clearInterval(timer);
          socket.end();
          return;
        }
        socket.write(bytes.subarray(sent, sent + 1));
        sent++;
      };
      const timer = setInterval(tick, SLOW_INTERVAL_MS);
      cleanup.add(() => clearInterval(timer));
      tick();
      return;
    }
    case 'endless': {
      const unit = bytes.length > 0 ? bytes : Buffer.from('%\r\n');
      // The answer over and over, in chunks of at least 16 KiB so tiny answers do not mean tiny writes.
      const chunk = Buffer.concat(Array.from({ length: Math.ceil(16_384 / unit.length) }, () => unit));
      // Writes until the socket's buffer is full, then again on each drain: the client's reading
      // paces it, and a client that stops reading is dropped by the idle timeout.
      const pump = (): void => {
        while (!socket.destroyed && socket.write(chunk)) {
          // keep filling
        }
      };
      socket.on('drain', pump);
      pump();
      return;
    }
  }
}

interface Listener {
  port: number;
  stop(): Promise<void>;
}

async function startWhoisServer(plan: ServerPlan, registries: ReadonlyMap<string, string>): Promise<Listener> {
  const clients = new Map<Socket, Set<() => void>>();
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    const cleanup = new Set<() => void>();
    clients.set(socket, cleanup);
    socket.on('close', () => {
      for (const fn of cleanup) fn();
      clients.delete(socket);
    });
    // A reset or broken pipe from the client ends that client only.
    socket.on('error', () => socket.destroy());
    socket.setTimeout(IDLE_MS, () => socket.destroy());
    let received = Buffer.alloc(0);
    let answered = false;
    const take = (ended: boolean): void => {
      if (answered) return;
      const line = takeQueryLine(received, ended);
      if (line.kind === 'incomplete') return;
      answered = true;
      received = Buffer.alloc(0);
      if (line.kind === 'too-long') {
        socket.end('% Error: query too long\r\n');
        return;
      }
      const answer = answerFor(plan, registries, line.text);
      deliver(socket, answer.bytes, answer.behaviour, cleanup);
    };
    socket.on('data', (chunk: Buffer) => {
      // Whatever follows the query line is read and dropped.
      if (answered) return;
      received = Buffer.concat([received, chunk]);
      take(false);
    });
    // A client may half-close instead of sending a line end.
    socket.on('end', () => take(true));
  });
  server.maxConnections = MAX_CLIENTS;
  const port = await listen(server);
  let stopped: Promise<void> | undefined;
  return {
    port,
    stop(): Promise<void> {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const [socket, cleanup] of clients) {
          for (const fn of cleanup) fn();
          socket.destroy();
        }
      });
      return stopped;
    },
  };
}

function serverZone(hostname: string, address: string): ZoneInput {
  return {
    origin: hostname,
    records: [
      { name: '@', type: 'SOA', data: `${hostname} hostmaster.${hostname} 1 3600 600 86400 300` },
      { name: '@', type: 'A', data: address },
    ],
  };
}

/** Starts every WHOIS server the records need, plus whois.iana.org. */
export async function startWhoisLab(
  records: WhoisRecordData[],
  taken: ReadonlySet<string> = new Set(),
): Promise<WhoisLab> {
  const { plans, registries } = planServers(records);
  const addresses = allocateAddresses([...plans.keys()], taken);
  const ordered = [...plans.values()].sort((a, b) => a.hostname.localeCompare(b.hostname));
  const settled = await Promise.allSettled(ordered.map((plan) => startWhoisServer(plan, registries)));
  const listeners = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.all(listeners.map((l) => l.stop()));
  };
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }

  const servers: WhoisServerInfo[] = [];
  const routes: LabRoute[] = [];
  const zones: ZoneInput[] = [];
  ordered.forEach((plan, i) => {
    const listener = listeners[i];
    const address = addresses.get(plan.hostname);
    if (!listener || !address) return;
    const to = { host: '127.0.0.1', port: listener.port };
    servers.push({ hostname: plan.hostname, address, port: WHOIS_PORT, listener: to });
    routes.push({ address, port: WHOIS_PORT, proto: 'tcp', to });
    zones.push(serverZone(plan.hostname, address));
  });
  return { servers, routes, zones, stop };
}
