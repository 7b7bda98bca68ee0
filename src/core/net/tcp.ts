// Opening a TCP socket to an IP address, bounded by a deadline signal.
import { connect, isIP, type Socket } from 'node:net';
import { formatHostPort } from './address';
import { abortable, describeSocketError } from './deadline';

/** Connects to an IP literal. Names are never handed to Node here, so the OS resolver is never asked. */
export function connectTcp(host: string, port: number, signal: AbortSignal): Promise<Socket> {
  const where = formatHostPort({ host, port });
  if (isIP(host) === 0) return Promise.reject(new Error(`connect to ${where}: not an IP address`));
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return Promise.reject(new Error(`connect to ${where}: invalid port`));
  }
  return abortable<Socket>(signal, (resolve, reject) => {
    const socket = connect({ host, port });
    socket.setNoDelay(true);
    const onError = (error: Error): void => reject(new Error(`connect to ${where}: ${describeSocketError(error)}`));
    const onConnect = (): void => {
      // A connect to a free local port can land on itself (simultaneous open): that is no listener.
      if (socket.localPort === socket.remotePort && socket.localAddress === socket.remoteAddress) {
        reject(new Error(`connect to ${where}: connection refused (self-connect)`));
        return;
      }
      resolve(socket);
    };
    socket.once('error', onError);
    socket.once('connect', onConnect);
    return (ok) => {
      socket.off('error', onError);
      socket.off('connect', onConnect);
      if (ok) {
        // Later errors are reported by whoever reads the socket; this keeps them from being uncaught.
        socket.on('error', () => {});
      } else {
        socket.destroy();
      }
    };
  });
}
