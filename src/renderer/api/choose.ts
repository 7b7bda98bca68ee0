// Picks the transport at start-up: the preload bridge inside Electron, else the web shell's
// WebSocket on the page's own origin, authenticated with the token from the page address.
import type { ApiClient } from '../../shared/api';
import { IpcClient, isBridge } from './ipc-client';
import type { ConnectionAware, ProblemReporter } from './validate';
import { WsClient } from './ws-client';

export type Client = ApiClient & ConnectionAware;

export interface PageLocation {
  protocol: string;
  host: string;
  search: string;
}

/** The WebSocket address for a page address: same host, path /api, the page's token. */
export function socketUrl(location: PageLocation): { url: string; token: string | null } {
  const token = new URLSearchParams(location.search).get('token');
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = token === null ? '' : `?token=${encodeURIComponent(token)}`;
  return { url: `${scheme}//${location.host}/api${query}`, token };
}

export function chooseClient(
  globals: { tracegraph?: unknown; location: PageLocation },
  report: ProblemReporter,
): { client: Client; transport: 'ipc' | 'websocket' } {
  if (isBridge(globals.tracegraph)) return { client: new IpcClient(globals.tracegraph, report), transport: 'ipc' };
  const { url, token } = socketUrl(globals.location);
  if (token === null) report('the page address has no ?token=…; the web shell will refuse the connection');
  return { client: new WsClient({ url, report }), transport: 'websocket' };
}
