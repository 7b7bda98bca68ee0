// Answers the ClientHellos Node's OpenSSL cannot: SSL 3.0, and TLS suites it no longer has (3DES,
// RC4, export, ...). A site that lists them gets, for a hello that would settle on them, a
// ServerHello choosing the version and suite, its certificate chain and ServerHelloDone, after
// which the lab closes: enough for a scanner to see what the server accepts and what it serves,
// never a usable session.
import { randomBytes } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import suiteTable from '../../../resources/tls/cipher-suites.json';
import { type Site, TLS_VERSIONS } from '../scenario/schema';
import type { ClientHelloInfo } from './client-hello';

type HttpsSpec = NonNullable<Site['https']>;

const WIRE: Record<(typeof TLS_VERSIONS)[number], number> = {
  SSLv3: 0x0300,
  TLSv1: 0x0301,
  'TLSv1.1': 0x0302,
  'TLSv1.2': 0x0303,
  'TLSv1.3': 0x0304,
};
const SSL3 = 0x0300;
const TLS12 = 0x0303;
const TLS13 = 0x0304;
const MAX_FRAGMENT = 16384;
const ALERT_HANDSHAKE_FAILURE = 40;
const ALERT_PROTOCOL_VERSION = 70;
/** What an SSL 3.0 site offers when it lists no ciphers. */
const SSL3_DEFAULT = ['AES128-SHA', 'AES256-SHA', 'DES-CBC3-SHA', 'RC4-SHA'];

interface ListedSuite {
  code: number;
  /** Whether Node's OpenSSL can negotiate it (it then answers, not the lab). */
  nodeKnows: boolean;
  /** Usable below TLS 1.2: SHA-1 or MD5 MACs. */
  legacyMac: boolean;
  /** Usable in SSL 3.0: also no elliptic curves (RFC 4492 came with TLS). */
  ssl3: boolean;
}

export interface SyntheticSite {
  /** The site's versions as wire codes, highest first. */
  versions: number[];
  /** Whether Node serves any of them (all but SSL 3.0). */
  nodeServes: boolean;
  suites: ListedSuite[];
  serverOrder: boolean;
  chainDer: Buffer[];
}

const byOpensslName = new Map(
  suiteTable.suites.flatMap((s) => (s.openssl && !s.tls13 ? [[s.openssl, s] as const] : [])),
);
const nodeKnown = new Map<string, boolean>();

function nodeKnows(name: string): boolean {
  let known = nodeKnown.get(name);
  if (known === undefined) {
    try {
      createSecureContext({ ciphers: `${name}:@SECLEVEL=0` });
      known = true;
    } catch {
      known = false;
    }
    nodeKnown.set(name, known);
  }
  return known;
}

export function syntheticSite(https: HttpsSpec, chainDer: Buffer[]): SyntheticSite {
  const names = https.ciphers?.split(':') ?? (https.versions.includes('SSLv3') ? SSL3_DEFAULT : []);
  const suites = names.flatMap((name): ListedSuite[] => {
    const entry = byOpensslName.get(name.trim());
    if (!entry) return [];
    const legacyMac = entry.mac === 'SHA1' || entry.mac === 'MD5';
    return [
      {
        code: Number.parseInt(entry.code.slice(2), 16),
        nodeKnows: nodeKnows(entry.openssl ?? ''),
        legacyMac,
        ssl3: legacyMac && !entry.kx.startsWith('EC') && entry.auth !== 'PSK' && entry.kx !== 'SRP',
      },
    ];
  });
  const versions = TLS_VERSIONS.filter((v) => https.versions.includes(v))
    .map((v) => WIRE[v])
    .reverse();
  return {
    versions,
    nodeServes: versions.some((v) => v !== SSL3),
    suites,
    serverOrder: https.cipherOrder === 'server',
    chainDer,
  };
}

function record(type: number, version: number, body: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < body.length || at === 0; at += MAX_FRAGMENT) {
    const fragment = body.subarray(at, at + MAX_FRAGMENT);
    const header = Buffer.alloc(5);
    header.writeUInt8(type, 0);
    header.writeUInt16BE(version, 1);
    header.writeUInt16BE(fragment.length, 3);
    parts.push(header, fragment);
  }
  return Buffer.concat(parts);
}

const u24 = (n: number): Buffer => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
const handshake = (type: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([type]), u24(body.length), body]);

function alert(version: number, description: number): Buffer {
  return record(0x15, version, Buffer.from([2, description]));
}

function serverFlight(version: number, suite: number, chain: Buffer[]): Buffer {
  const hello = Buffer.alloc(2 + 32 + 1 + 2 + 1);
  hello.writeUInt16BE(version, 0);
  randomBytes(32).copy(hello, 2);
  hello.writeUInt8(0, 34); // no session id
  hello.writeUInt16BE(suite, 35);
  hello.writeUInt8(0, 37); // no compression
  const list = Buffer.concat(chain.map((der) => Buffer.concat([u24(der.length), der])));
  const certificate = Buffer.concat([u24(list.length), list]);
  const messages = Buffer.concat([handshake(2, hello), handshake(11, certificate), handshake(14, Buffer.alloc(0))]);
  return record(0x16, version, messages);
}

/**
 * The lab's own answer to `hello`, or null when Node's TLS should answer: the hello settles on
 * SSL 3.0, or on a TLS version with only suites Node lacks in common with the site's list.
 */
export function syntheticAnswer(hello: ClientHelloInfo, site: SyntheticSite): Buffer | null {
  const offered = hello.supportedVersions ?? [hello.version];
  const clientMax = Math.max(...offered.filter((v) => v < TLS13 || hello.supportedVersions !== null));
  const version = site.versions.find(
    (v) => v <= clientMax && (hello.supportedVersions === null || hello.supportedVersions.includes(v)),
  );
  if (version === undefined) return site.nodeServes ? null : alert(SSL3, ALERT_PROTOCOL_VERSION);
  if (version === TLS13) return null;
  const usable = site.suites.filter((s) => (version === SSL3 ? s.ssl3 : version === TLS12 || s.legacyMac));
  const inCommon = (candidates: ListedSuite[]): ListedSuite | undefined =>
    site.serverOrder
      ? candidates.find((s) => hello.suites.includes(s.code))
      : hello.suites.map((code) => candidates.find((s) => s.code === code)).find((s) => s !== undefined);
  if (version !== SSL3) {
    if (usable.some((s) => s.nodeKnows && hello.suites.includes(s.code))) return null;
    const own = inCommon(usable.filter((s) => !s.nodeKnows));
    return own ? serverFlight(version, own.code, site.chainDer) : null;
  }
  const chosen = inCommon(usable);
  return chosen ? serverFlight(SSL3, chosen.code, site.chainDer) : alert(SSL3, ALERT_HANDSHAKE_FAILURE);
}
