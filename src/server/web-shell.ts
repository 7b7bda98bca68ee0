// The web shell: the built renderer and the API over a WebSocket, on 127.0.0.1 only. A random
// per-launch token in the page URL guards the API; Host and Origin are checked too, so other
// web pages (DNS rebinding, cross-site WebSockets) cannot drive it.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { CoreService } from '../core/service/core-service';
import type { EventFrame } from '../shared/api';
import { readStatic } from './static-files';

export interface WebShellOptions {
  service: CoreService;
  staticDir: string;
  port?: number;
  token?: string;
}

export interface WebShell {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const MAX_FRAME = 1024 * 1024;

function sameToken(given: string | null, token: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export async function startWebShell(options: WebShellOptions): Promise<WebShell> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  let port = options.port ?? 0;
  const allowedHosts = () => [`${HOST}:${port}`, `localhost:${port}`];
  const securityHeaders = () => ({
    'Content-Security-Policy': `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws://${HOST}:${port} ws://localhost:${port}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
  });

  const server = createServer((req, res) => {
    if (!allowedHosts().includes(req.headers.host ?? '')) {
      res.writeHead(421, { 'Content-Type': 'text/plain' }).end('unknown host');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const path = new URL(req.url ?? '/', `http://${HOST}`).pathname;
    void readStatic(options.staticDir, path).then((file) => {
      if (!file) {
        res.writeHead(404, { 'Content-Type': 'text/plain', ...securityHeaders() }).end('not found');
        return;
      }
      res
        .writeHead(200, { 'Content-Type': file.type, ...securityHeaders() })
        .end(req.method === 'HEAD' ? undefined : file.body);
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    if (url.pathname !== '/api') return refuse(socket, 404, 'Not Found');
    if (!allowedHosts().includes(req.headers.host ?? '')) return refuse(socket, 421, 'Misdirected Request');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedHosts().some((h) => origin === `http://${h}`)) {
      return refuse(socket, 403, 'Forbidden');
    }
    if (!sameToken(url.searchParams.get('token'), token)) return refuse(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const unsubscribe = options.service.onEvent((event, data) => {
        const frame: EventFrame = { event, data };
        ws.send(JSON.stringify(frame));
      });
      ws.on('close', unsubscribe);
      ws.on('error', () => ws.terminate());
      ws.on('message', (raw, isBinary) => {
        let frame: unknown;
        try {
          frame = isBinary ? undefined : JSON.parse(raw.toString());
        } catch {
          frame = undefined;
        }
        void options.service.dispatch(frame).then((response) => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(response));
        });
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://${HOST}:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
