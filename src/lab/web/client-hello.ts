// Reads the server name (SNI), versions and suites from a TLS ClientHello before any TLS library
// sees it. Node picks protocol versions and cipher lists when a TLS socket is created, not when
// SNICallback runs, so a listener shared by sites with different TLS settings has to know the
// site first; and what Node cannot speak (SSL 3.0, 3DES, RC4) the lab answers itself.
import type { Socket } from 'node:net';

/** A ClientHello fits in one record in practice; a record holds at most 2^14 bytes (+ expansion). */
const MAX_RECORD = 5 + 16384 + 2048;
const HANDSHAKE = 0x16;
const CLIENT_HELLO = 0x01;
const SERVER_NAME = 0x0000;
const SUPPORTED_VERSIONS = 0x002b;

/** True when `data` holds a whole first record, or is clearly not TLS (nothing more to wait for). */
export function recordComplete(data: Buffer): boolean {
  if (data.length >= 1 && data[0] !== HANDSHAKE) return true;
  if (data.length < 5) return false;
  return data.length >= Math.min(MAX_RECORD, 5 + data.readUInt16BE(3));
}

/** What the lab needs from a ClientHello: the server name, the versions and suites offered. */
export interface ClientHelloInfo {
  /** The hello's own version field (the highest version offered, unless supported_versions says more). */
  version: number;
  /** supported_versions, when present (TLS 1.3 clients). */
  supportedVersions: number[] | null;
  suites: number[];
  /** The SNI host_name, lowercased. */
  serverName: string | null;
}

/** The first record's ClientHello; null when absent or malformed. */
export function parseClientHello(data: Buffer): ClientHelloInfo | null {
  try {
    if (data[0] !== HANDSHAKE) return null;
    const record = data.subarray(5, 5 + data.readUInt16BE(3));
    if (record[0] !== CLIENT_HELLO) return null;
    const info: ClientHelloInfo = {
      version: record.readUInt16BE(4),
      supportedVersions: null,
      suites: [],
      serverName: null,
    };
    // type(1) length(3) version(2) random(32)
    let at = 1 + 3 + 2 + 32;
    at += 1 + (record[at] ?? 0); // session id
    const suitesEnd = at + 2 + record.readUInt16BE(at);
    for (let i = at + 2; i + 2 <= Math.min(suitesEnd, record.length); i += 2) info.suites.push(record.readUInt16BE(i));
    at = suitesEnd;
    at += 1 + (record[at] ?? 0); // compression methods
    if (at + 2 > record.length) return info; // no extensions (SSL 3.0 hellos)
    const end = Math.min(record.length, at + 2 + record.readUInt16BE(at));
    at += 2;
    while (at + 4 <= end) {
      const type = record.readUInt16BE(at);
      const length = record.readUInt16BE(at + 2);
      at += 4;
      if (type === SERVER_NAME) info.serverName = readServerName(record, at, Math.min(at + length, end));
      if (type === SUPPORTED_VERSIONS) {
        info.supportedVersions = [];
        for (let i = at + 1; i + 2 <= Math.min(at + 1 + (record[at] ?? 0), end); i += 2) {
          info.supportedVersions.push(record.readUInt16BE(i));
        }
      }
      at += length;
    }
    return info;
  } catch {
    // readUInt16BE past the end: a truncated or hostile hello.
    return null;
  }
}

/** server_name_list: length(2), then entries of name_type(1) length(2) name; the first host_name. */
function readServerName(record: Buffer, at: number, listEnd: number): string | null {
  let entry = at + 2;
  while (entry + 3 <= listEnd) {
    const nameType = record[entry];
    const nameLength = record.readUInt16BE(entry + 1);
    const name = record.subarray(entry + 3, entry + 3 + nameLength);
    if (nameType === 0 && name.length === nameLength) return name.toString('latin1').toLowerCase();
    entry += 3 + nameLength;
  }
  return null;
}

/**
 * Collects the first record from a fresh connection without consuming it for good: the bytes
 * are handed back to be replayed into the TLS layer. Null when the peer leaves first.
 */
export function readFirstRecord(socket: Socket): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    const finish = (result: Buffer | null): void => {
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('end', onClose);
      socket.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      parts.push(chunk);
      size += chunk.length;
      const data = Buffer.concat(parts, size);
      if (recordComplete(data)) finish(data);
    };
    const onClose = (): void => finish(null);
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.once('end', onClose);
  });
}
