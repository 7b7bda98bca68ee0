// The lab's third-party API server: one HTTP server on 127.0.0.1 standing in for crt.sh, Cert
// Spotter, RDAP, the Wayback CDX server, NVD and Spamhaus DROP, each under its own path prefix.
// Scanners get the prefixes as named endpoints and append the service's usual paths, as they do
// to the real base URLs (https://crt.sh + "/?q=…"). Requests are bounded (header size, time,
// connections); bodies are never read into memory; every socket is closed by stop().
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { domainToASCII } from 'node:url';
import type * as z from 'zod';
import { listen } from '../connections';
import type { CtEntry, CveRecord, DropEntry, RdapRecord, WaybackCapture } from '../scenario/schema';
import { CdxQueryError, indexCaptures, parseCdxQuery, searchCdx } from './cdx';
import { certspotterIssuances, crtshMatcher, crtshRows, indexCt } from './ct';
import { dropFile } from './drop';
import { indexCves, nvdResponse, parseNvdQuery } from './nvd';

export interface ApiData {
  rdap: z.infer<typeof RdapRecord>[];
  ct: { domain: string; entries: z.infer<typeof CtEntry>[] }[];
  wayback: z.infer<typeof WaybackCapture>[];
  drop: z.infer<typeof DropEntry>[];
  cves: z.infer<typeof CveRecord>[];
}

export interface ApiServer {
  port: number;
  /** Base URL per service name, e.g. crtsh → http://127.0.0.1:PORT/crtsh (no trailing slash). */
  endpoints: Record<string, string>;
  stop(): Promise<void>;
}

export const API_SERVICES = ['crtsh', 'certspotter', 'rdap', 'wayback', 'nvd', 'spamhausDrop'] as const;

export interface ApiReply {
  status: number;
  contentType: string;
  body: string;
  headers?: [string, string][];
}

const MAX_HEADER_BYTES = 16 * 1024;
const REQUEST_TIMEOUT_MS = 10_000;
const HEADERS_TIMEOUT_MS = 5_000;
const KEEP_ALIVE_MS = 2_000;
const MAX_CONNECTIONS = 256;

const json = (status: number, value: unknown, contentType = 'application/json'): ApiReply => ({
  status,
  contentType,
  body: JSON.stringify(value),
});
const text = (status: number, body: string): ApiReply => ({
  status,
  contentType: 'text/plain; charset=utf-8',
  body: `${body}\n`,
});
const rdapError = (status: number, title: string, description: string): ApiReply =>
  json(
    status,
    { rdapConformance: ['rdap_level_0'], errorCode: status, title, description: [description] },
    'application/rdap+json',
  );

function domainParam(value: string): string {
  const name = value.trim().replace(/\.$/, '').toLowerCase();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: anything outside ASCII is an IDN to convert.
  return /[^\x00-\x7f]/.test(name) ? domainToASCII(name) : name;
}

/** Answers one request; pure apart from the clock, so routing can be tested without sockets. */
export function createApiHandler(data: ApiData, now: () => Date = () => new Date()): (url: string) => ApiReply {
  const ct = indexCt(data.ct);
  const captures = indexCaptures(data.wayback);
  const cves = indexCves(data.cves);
  const rdap = new Map(data.rdap.map((record) => [record.domain, record.json]));
  const started = now();

  const crtsh = (rest: string, params: URLSearchParams): ApiReply => {
    if (rest !== '' && rest !== '/') return text(404, 'Not Found');
    const q = params.get('q') ?? params.get('identity') ?? params.get('Identity');
    if (q === null) return text(400, 'q is required');
    if (params.get('output') !== 'json') return text(400, 'this lab serves only output=json');
    const matches = crtshMatcher(q);
    if (!matches) return json(200, []);
    const excludeExpired = params.get('exclude') === 'expired';
    return json(200, crtshRows(ct, matches, { excludeExpired, now: now() }));
  };

  const certspotter = (rest: string, params: URLSearchParams): ApiReply => {
    if (rest !== '/v1/issuances') return json(404, { code: 'not_found', message: 'Not found' });
    const domain = params.get('domain');
    if (domain === null || domain.trim() === '') {
      return json(400, { code: 'invalid_query', message: 'domain parameter is required' });
    }
    const afterText = params.get('after');
    if (afterText !== null && !/^\d{1,15}$/.test(afterText)) {
      return json(400, { code: 'invalid_query', message: 'after must be an issuance id' });
    }
    return json(
      200,
      certspotterIssuances(ct, {
        domain: domainParam(domain),
        includeSubdomains: params.get('include_subdomains') === 'true',
        matchWildcards: params.get('match_wildcards') === 'true',
        after: afterText === null ? null : Number(afterText),
        expand: new Set(params.getAll('expand')),
      }),
    );
  };

  const rdapLookup = (rest: string): ApiReply => {
    const match = /^\/domain\/([^/]+)$/.exec(rest);
    if (!match) return rdapError(404, 'Not Found', 'The lab serves domain lookups only.');
    let name: string;
    try {
      name = domainParam(decodeURIComponent(match[1] ?? ''));
    } catch {
      return rdapError(400, 'Bad Request', 'The domain name is not valid percent-encoding.');
    }
    const record = rdap.get(name);
    if (record === undefined) return rdapError(404, 'Not Found', `The domain ${name.slice(0, 253)} was not found.`);
    return json(200, record, 'application/rdap+json');
  };

  const wayback = (rest: string, params: URLSearchParams): ApiReply => {
    if (rest !== '/cdx/search/cdx') return text(404, 'Not Found');
    try {
      const query = parseCdxQuery(params);
      const rows = searchCdx(captures, query);
      if (params.get('output') === 'json') return json(200, rows.length === 0 ? [] : [query.fields, ...rows]);
      return { status: 200, contentType: 'text/plain', body: rows.map((row) => `${row.join(' ')}\n`).join('') };
    } catch (error) {
      if (error instanceof CdxQueryError) return text(400, error.message);
      throw error;
    }
  };

  const nvd = (rest: string, params: URLSearchParams): ApiReply => {
    if (rest !== '' && rest !== '/' && rest !== '/rest/json/cves/2.0') return text(404, 'Not Found');
    const query = parseNvdQuery(params);
    // NVD says what is wrong in a "message" header and sends no body.
    if (typeof query === 'string')
      return { status: 404, contentType: 'text/plain', body: '', headers: [['message', query]] };
    return json(200, nvdResponse(cves, query, now()));
  };

  const spamhaus = (rest: string): ApiReply => {
    const file = dropFile(rest.replace(/^\//, ''), data.drop, started);
    if (!file) return text(404, 'Not Found');
    return {
      status: 200,
      contentType: file.contentType,
      body: file.body,
      headers: [['last-modified', started.toUTCString()]],
    };
  };

  return (rawUrl) => {
    let url: URL;
    try {
      url = new URL(rawUrl, 'http://lab.invalid');
    } catch {
      return text(400, 'Bad Request');
    }
    const match = /^\/([A-Za-z]+)(\/.*)?$/.exec(url.pathname);
    const rest = match?.[2] ?? '';
    switch (match?.[1]) {
      case 'crtsh':
        return crtsh(rest, url.searchParams);
      case 'certspotter':
        return certspotter(rest, url.searchParams);
      case 'rdap':
        return rdapLookup(rest);
      case 'wayback':
        return wayback(rest, url.searchParams);
      case 'nvd':
        return nvd(rest, url.searchParams);
      case 'spamhausDrop':
        return spamhaus(rest);
      default:
        return text(404, 'Not Found');
    }
  };
}

function send(res: ServerResponse, reply: ApiReply): void {
  const body = Buffer.from(reply.body, 'utf8');
  res.statusCode = reply.status;
  res.setHeader('content-type', reply.contentType);
  res.setHeader('content-length', body.length);
  for (const [name, value] of reply.headers ?? []) res.setHeader(name, value);
  res.end(body);
}

export async function startApiServer(data: ApiData): Promise<ApiServer> {
  const handle = createApiHandler(data);
  const sockets = new Set<Socket>();
  const server = createServer(
    { maxHeaderSize: MAX_HEADER_BYTES, requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: HEADERS_TIMEOUT_MS },
    (req: IncomingMessage, res: ServerResponse) => {
      req.on('error', () => req.destroy());
      res.on('error', () => res.destroy());
      // A request body is never needed: it is read and dropped, within the request timeout.
      req.resume();
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('allow', 'GET, HEAD');
        res.setHeader('connection', 'close');
        send(res, text(405, 'Method Not Allowed'));
        return;
      }
      let reply: ApiReply;
      try {
        reply = handle(req.url ?? '/');
      } catch {
        reply = text(500, 'Internal Server Error');
      }
      send(res, reply);
    },
  );
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.maxConnections = MAX_CONNECTIONS;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  });
  // Malformed requests and oversized heads: drop that client, never the server.
  server.on('clientError', (_error, socket) => socket.destroy());
  const port = await listen(server);
  const endpoints: Record<string, string> = {};
  for (const name of API_SERVICES) endpoints[name] = `http://127.0.0.1:${port}/${name}`;

  let stopped: Promise<void> | undefined;
  return {
    port,
    endpoints,
    stop(): Promise<void> {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return stopped;
    },
  };
}
