// TLS on top of an already connected socket (direct or through the proxy). Certificates are
// collected for inspection, never trusted: verification is the scanners' own verdict.
import { isIP, type Socket } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';
import { abortable, describeSocketError } from './deadline';

export interface TlsUpgradeOptions {
  servername?: string;
  alpn?: string[];
}

export function upgradeTls(
  socket: Socket,
  options: TlsUpgradeOptions,
  remote: string,
  signal: AbortSignal,
): Promise<TLSSocket> {
  return abortable<TLSSocket>(signal, (resolve, reject) => {
    const servername = options.servername;
    const tlsSocket = connect({
      socket,
      // SNI carries names only; an IP literal there is a protocol violation.
      ...(servername && isIP(servername) === 0 ? { servername } : {}),
      ...(options.alpn && options.alpn.length > 0 ? { ALPNProtocols: options.alpn } : {}),
      rejectUnauthorized: false,
      // Inspection has to reach old and weak servers too; nothing learned here is trusted.
      minVersion: 'TLSv1',
      ciphers: 'DEFAULT@SECLEVEL=0',
    });
    const onError = (error: Error): void =>
      reject(new Error(`TLS handshake with ${remote}: ${describeSocketError(error)}`));
    const onClose = (): void => reject(new Error(`TLS handshake with ${remote}: connection closed`));
    const onSecure = (): void => resolve(tlsSocket);
    tlsSocket.once('error', onError);
    tlsSocket.once('close', onClose);
    tlsSocket.once('secureConnect', onSecure);
    return (ok) => {
      tlsSocket.off('error', onError);
      tlsSocket.off('close', onClose);
      tlsSocket.off('secureConnect', onSecure);
      if (ok) tlsSocket.on('error', () => {});
      else tlsSocket.destroy();
    };
  });
}
