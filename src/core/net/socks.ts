// Tunnelling a TCP connection through a SOCKS5 proxy. Host names are passed to the proxy as
// names (remote resolution), so no local DNS query reveals what is being contacted.
import type { Socket } from 'node:net';
import { SocksClient } from 'socks';
import { formatHostPort, type ProxyConfig } from './address';
import { abortable, errorMessage } from './deadline';
import { connectTcp } from './tcp';

export async function connectSocks(
  proxy: ProxyConfig,
  host: string,
  port: number,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<Socket> {
  const proxyName = formatHostPort(proxy);
  const target = formatHostPort({ host, port });
  let socket: Socket;
  try {
    socket = await connectTcp(proxy.host, proxy.port, signal);
  } catch (error) {
    if (signal.aborted) throw error;
    throw new Error(`SOCKS5 proxy ${proxyName} unreachable: ${errorMessage(error)}`);
  }
  return abortable<Socket>(signal, (resolve, reject) => {
    SocksClient.createConnection({
      command: 'connect',
      destination: { host, port },
      proxy: {
        host: proxy.host,
        port: proxy.port,
        type: 5,
        ...(proxy.username !== undefined ? { userId: proxy.username } : {}),
        ...(proxy.password !== undefined ? { password: proxy.password } : {}),
      },
      // Our own deadline governs; the library's timer only has to be no shorter.
      timeout: timeoutMs + 1000,
      existing_socket: socket,
    }).then(
      (established) => resolve(established.socket),
      (error: unknown) =>
        reject(new Error(`SOCKS5 proxy ${proxyName} could not reach ${target}: ${errorMessage(error)}`)),
    );
    return (ok) => {
      if (!ok) socket.destroy();
    };
  });
}
