// ClientHello messages built byte by byte, so what is offered (a version, a list of suites) does
// not depend on the local TLS library: OpenSSL under Node and BoringSSL inside Electron refuse to
// offer SSL 3.0, RC4 or export suites, but a probe has to ask for them.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Protocol } from './versions';

const HANDSHAKE = 0x16;
const CLIENT_HELLO = 0x01;
const TLS12 = 0x0303;
const TLS13 = 0x0304;

const EXT = {
  serverName: 0x0000,
  supportedGroups: 0x000a,
  ecPointFormats: 0x000b,
  signatureAlgorithms: 0x000d,
  supportedVersions: 0x002b,
  pskKeyExchangeModes: 0x002d,
  keyShare: 0x0033,
  renegotiationInfo: 0xff01,
} as const;

export const X25519 = 0x001d;
/** x25519, P-256, P-384, P-521, ffdhe2048, ffdhe3072: what servers accept for (EC)DHE. */
const GROUPS = [X25519, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101];
/** ECDSA, RSA-PSS, EdDSA, RSA PKCS#1 and the SHA-1 / DSA ones old servers still need. */
const SIGNATURE_ALGORITHMS = [
  0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0807, 0x0808, 0x0809, 0x080a, 0x080b, 0x0401, 0x0501, 0x0601,
  0x0201, 0x0203, 0x0202, 0x0402,
];

export interface HelloOptions {
  protocol: Protocol;
  suites: readonly number[];
  /** SNI; null for an IP target (an address in SNI is a protocol violation). */
  serverName: string | null;
  /** The x25519 public key for TLS 1.3's key share (32 bytes). */
  keyShare: Uint8Array;
}

/** A fresh x25519 public key, raw: TLS 1.3 servers check the key share is a real point. */
export function x25519PublicKey(): Uint8Array {
  const { x } = generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' });
  if (!x) throw new Error('x25519 key without its public value');
  return new Uint8Array(Buffer.from(x, 'base64url'));
}

const u8 = (n: number): number[] => [n & 0xff];
const u16 = (n: number): number[] => [(n >> 8) & 0xff, n & 0xff];
const u24 = (n: number): number[] => [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
const vec8 = (body: readonly number[]): number[] => [...u8(body.length), ...body];
const vec16 = (body: readonly number[]): number[] => [...u16(body.length), ...body];
const list16 = (values: readonly number[]): number[] => vec16(values.flatMap(u16));
const extension = (type: number, body: readonly number[]): number[] => [...u16(type), ...vec16(body)];

function extensions(options: HelloOptions): number[] {
  const { protocol, serverName } = options;
  const out: number[] = [];
  if (serverName !== null) {
    const name = [...Buffer.from(serverName, 'ascii')];
    out.push(...extension(EXT.serverName, vec16([0, ...vec16(name)])));
  }
  out.push(...extension(EXT.supportedGroups, list16(GROUPS)));
  out.push(...extension(EXT.ecPointFormats, vec8([0])));
  out.push(...extension(EXT.signatureAlgorithms, list16(SIGNATURE_ALGORITHMS)));
  out.push(...extension(EXT.renegotiationInfo, [0]));
  if (protocol.wire === TLS13) {
    out.push(...extension(EXT.supportedVersions, vec8(u16(TLS13))));
    out.push(...extension(EXT.pskKeyExchangeModes, vec8([1])));
    out.push(...extension(EXT.keyShare, vec16([...u16(X25519), ...vec16([...options.keyShare])])));
  }
  return out;
}

/**
 * One TLS record holding a ClientHello that offers exactly `protocol` and `suites`. SSL 3.0
 * hellos carry no extensions (SSL 3.0 servers may reject them); TLS 1.3 is offered as 1.3
 * requires: legacy version 1.2, supported_versions, a key share, a 32-byte session id.
 */
export function buildClientHello(options: HelloOptions): Uint8Array {
  const { protocol, suites } = options;
  if (suites.length === 0 || suites.length > 4000)
    throw new Error('a ClientHello offers 1 to 4,000 suites (one record)');
  const tls13 = protocol.wire === TLS13;
  const body = [
    ...u16(tls13 ? TLS12 : protocol.wire),
    ...randomBytes(32),
    ...vec8(tls13 ? [...randomBytes(32)] : []),
    ...list16(suites),
    ...vec8([0]),
  ];
  if (protocol.id !== 'SSLv3') body.push(...vec16(extensions(options)));
  const handshake = [CLIENT_HELLO, ...u24(body.length), ...body];
  // Record version 1.0 for TLS hellos (what browsers send: some servers refuse higher ones).
  const recordVersion = protocol.id === 'SSLv3' ? 0x0300 : 0x0301;
  return new Uint8Array([HANDSHAKE, ...u16(recordVersion), ...u16(handshake.length), ...handshake]);
}
