// The lab's web sites: one loopback listener per scenario address, port and scheme, shared by
// the sites (virtual hosts) configured there. HTTPS listeners read the ClientHello's server
// name first, then run TLS with that site's certificate, versions, ciphers and ALPN; HTTP picks
// the site by the Host header. Scenario addresses stay labels: the returned routes tell ctx.net
// which loopback port stands for which address:port.
import { createServer, type Server, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { type SecureContext, TLSSocket } from 'node:tls';
import ipaddr from 'ipaddr.js';
import type { LabRoute } from '../../shared/scanner';
import { Connections, closeServer, handlesReleased, LAB_HOST, listen } from '../connections';
import type { Site } from '../scenario/schema';
import { issueCertificate, type LabCa } from '../tls';
import { parseClientHello, readFirstRecord } from './client-hello';
import { type CompiledRoute, NOT_FOUND, type RequestHead, RouteTable, requestHost, serveRequest } from './http';
import { type SyntheticSite, syntheticAnswer, syntheticSite } from './synthetic-hello';
import { siteSecureContext } from './tls-options';

export interface WebLab {
  /** One route per listener: scenario address:port/tcp to 127.0.0.1:<port>. */
  routes: LabRoute[];
  stop(): Promise<void>;
}

/** A connection that sends nothing (no request, no ClientHello) is dropped after this long. */
const IDLE_MS = 30_000;

interface VirtualHost {
  hostname: string;
  routes: RouteTable;
  tls?: { context: SecureContext; alpn: string[]; names: string[]; synthetic: SyntheticSite };
}

interface ListenerPlan {
  address: string;
  port: number;
  scheme: 'http' | 'https';
  hosts: VirtualHost[];
}

function canonical(address: string): string {
  return ipaddr.process(address).toString();
}

/** Whether a certificate name (possibly "*.example.com") covers a server name. */
function nameCovers(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase();
  if (!p.startsWith('*.')) return p === name;
  const dot = name.indexOf('.');
  return dot > 0 && name.slice(dot + 1) === p.slice(2);
}

function pickBySni(hosts: VirtualHost[], servername: string | null): VirtualHost {
  const first = hosts[0] as VirtualHost;
  if (servername === null) return first;
  return (
    hosts.find((h) => h.hostname === servername) ??
    hosts.find((h) => h.tls?.names.some((n) => nameCovers(n, servername))) ??
    first
  );
}

function pickRoute(hosts: VirtualHost[], fallback: VirtualHost, head: RequestHead): CompiledRoute {
  const name = requestHost(head);
  const host = (name !== null && hosts.find((h) => h.hostname === name)) || fallback;
  return host.routes.match(head.target) ?? NOT_FOUND;
}

/**
 * Lets TLS run over a connection whose first bytes were already read: they are replayed, then
 * the socket's own data follows. (A TLS socket built directly on a net.Socket reads from its
 * handle and would never see bytes taken out before.)
 */
class Replay extends Duplex {
  constructor(
    private readonly socket: Socket,
    first: Buffer,
  ) {
    super();
    this.push(first);
    socket.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) socket.pause();
    });
    socket.once('end', () => this.push(null));
    socket.once('close', () => this.destroy());
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.socket.destroyed) callback();
    else this.socket.write(chunk, () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.destroy();
    callback(error);
  }
}

async function serveHttps(socket: Socket, plan: ListenerPlan): Promise<void> {
  const first = await readFirstRecord(socket);
  if (first === null || socket.destroyed) return;
  const hello = parseClientHello(first);
  const host = pickBySni(plan.hosts, hello?.serverName ?? null);
  const tls = host.tls;
  if (!tls) throw new Error('an HTTPS virtual host without TLS settings');
  const own = hello ? syntheticAnswer(hello, tls.synthetic) : null;
  if (own) {
    socket.end(own);
    return;
  }
  const secure = new TLSSocket(new Replay(socket, first), {
    isServer: true,
    secureContext: tls.context,
    ...(tls.alpn.length > 0 ? { ALPNProtocols: tls.alpn } : {}),
  });
  // A failed handshake (a version or cipher the site does not offer) ends the connection.
  secure.on('error', () => socket.destroy());
  socket.once('close', () => secure.destroy());
  await serveRequest(secure, socket, (head) => pickRoute(plan.hosts, host, head));
}

/** The DER of each certificate in a PEM chain. */
function pemBlocks(pem: string): Buffer[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) =>
    Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64'),
  );
}

function planListeners(sites: readonly Site[], ca: LabCa): ListenerPlan[] {
  const plans = new Map<string, ListenerPlan>();
  const add = (site: Site, scheme: 'http' | 'https', port: number, makeHost: () => VirtualHost): void => {
    const key = `${canonical(site.address)} ${port}`;
    let plan = plans.get(key);
    if (!plan) {
      plan = { address: site.address, port, scheme, hosts: [] };
      plans.set(key, plan);
    }
    if (plan.scheme !== scheme) {
      throw new Error(`sites: ${site.address}:${port} is served as both http and https (${site.hostname})`);
    }
    // Two sites with one host name on one listener: the first is the one reached.
    if (!plan.hosts.some((h) => h.hostname === site.hostname)) plan.hosts.push(makeHost());
  };
  for (const site of sites) {
    const { http, https, hostname } = site;
    if (http) add(site, 'http', http.port, () => ({ hostname, routes: new RouteTable(http.routes) }));
    if (https) {
      add(site, 'https', https.port, () => {
        const issued = issueCertificate(ca, https.certificate, hostname);
        return {
          hostname,
          routes: new RouteTable(https.routes),
          tls: {
            context: siteSecureContext(https, issued),
            alpn: https.alpn,
            names: https.certificate.sans ?? [hostname],
            synthetic: syntheticSite(https, pemBlocks(issued.chainPem)),
          },
        };
      });
    }
  }
  return [...plans.values()];
}

export async function startWebLab(sites: readonly Site[], ca: LabCa): Promise<WebLab> {
  const plans = planListeners(sites, ca);
  const servers: Server[] = [];
  const connections = new Connections();
  const routes: LabRoute[] = [];
  let stopped = false;
  const stop = async (): Promise<void> => {
    stopped = true;
    const closing = servers.map((server) => closeServer(server));
    connections.destroyAll();
    await Promise.all(closing);
    await handlesReleased();
  };
  try {
    for (const plan of plans) {
      const server = createServer((socket) => {
        if (stopped) {
          socket.destroy();
          return;
        }
        connections.add(socket);
        socket.setNoDelay(true);
        socket.setTimeout(IDLE_MS, () => socket.destroy());
        const serving =
          plan.scheme === 'https'
            ? serveHttps(socket, plan)
            : serveRequest(socket, socket, (head) => pickRoute(plan.hosts, plan.hosts[0] as VirtualHost, head));
        serving.catch(() => socket.destroy());
      });
      servers.push(server);
      const port = await listen(server);
      routes.push({ address: plan.address, port: plan.port, proto: 'tcp', to: { host: LAB_HOST, port } });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { routes, stop };
}
