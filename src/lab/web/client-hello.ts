// Reads the server name (SNI) from a TLS ClientHello before any TLS library sees it. Node picks
// protocol versions and cipher lists when a TLS socket is created, not when SNICallback runs, so
// a listener shared by sites with different TLS settings has to know the site first.
import type { Socket } from 'node:net';

/** A ClientHello fits in one record in practice; a record holds at most 2^14 bytes (+ expansion). */
const MAX_RECORD = 5 + 16384 + 2048;
const HANDSHAKE = 0x16;
const CLIENT_HELLO = 0x01;
const SERVER_NAME = 0x0000;

/** True when `data` holds a whole first record, or is clearly not TLS (nothing more to wait for). */
export function recordComplete(data: Buffer): boolean {
  if (data.length >= 1 && data[0] !== HANDSHAKE) return true;
  if (data.length < 5) return false;
  return data.length >= Math.min(MAX_RECORD, 5 + data.readUInt16BE(3));
}

/** The host_name in the first record's ClientHello, lowercased; null when absent or malformed. */
export function parseServerName(data: Buffer): string | null {
  try {
    if (data[0] !== HANDSHAKE) return null;
    const record = data.subarray(5, 5 + data.readUInt16BE(3));
    if (record[0] !== CLIENT_HELLO) return null;
    // type(1) length(3) version(2) random(32)
    let at = 1 + 3 + 2 + 32;
    at += 1 + (record[at] ?? 0); // session id
    at += 2 + record.readUInt16BE(at); // cipher suites
    at += 1 + (record[at] ?? 0); // compression methods
    const end = Math.min(record.length, at + 2 + record.readUInt16BE(at));
    at += 2;
    while (at + 4 <= end) {
      const type = record.readUInt16BE(at);
      const length = record.readUInt16BE(at + 2);
      at += 4;
      if (type === SERVER_NAME) {
        // server_name_list length(2), then entries of name_type(1) length(2) name.
        let entry = at + 2;
        const listEnd = Math.min(at + length, end);
        while (entry + 3 <= listEnd) {
          const nameType = record[entry];
          const nameLength = record.readUInt16BE(entry + 1);
          const name = record.subarray(entry + 3, entry + 3 + nameLength);
          if (nameType === 0 && name.length === nameLength) return name.toString('latin1').toLowerCase();
          entry += 3 + nameLength;
        }
        return null;
      }
      at += length;
    }
    return null;
  } catch {
    // readUInt16BE past the end: a truncated or hostile hello has no usable name.
    return null;
  }
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
