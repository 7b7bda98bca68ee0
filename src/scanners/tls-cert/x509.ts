// The fields of an X.509 certificate read from its DER with our own reader (der.ts), never from
// Node's printed forms of subject and SANs. Values are kept as the certificate has them; making
// them safe to show (control characters, length) is the caller's job (text.ts).
import { createHash } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import {
  children,
  DerError,
  decodeOid,
  decodeString,
  decodeTime,
  type Element,
  expect,
  integerHex,
  readElement,
  TAG,
} from './der';

export interface NameAttribute {
  /** A short name (CN, O, C, ...) or the dotted OID when unknown. */
  type: string;
  value: string;
}

export interface PublicKeyInfo {
  type: 'rsa' | 'ec' | 'ed25519' | 'ed448' | 'dsa' | 'unknown';
  /** Modulus size (RSA, DSA), curve size (EC, EdDSA); null when unknown. */
  bits: number | null;
  curve: string | null;
}

export interface ParsedCertificate {
  der: Uint8Array;
  /** SHA-256 of the DER, lowercase hex: the certificate's name everywhere. */
  sha256: string;
  version: number;
  serial: string;
  signatureAlgorithm: { oid: string; name: string; hash: string | null };
  issuer: NameAttribute[];
  subject: NameAttribute[];
  /** DER of the issuer and subject names, compared byte for byte to link a chain. */
  issuerRaw: Uint8Array;
  subjectRaw: Uint8Array;
  notBefore: string | null;
  notAfter: string | null;
  publicKey: PublicKeyInfo;
  /** dNSName SANs as written (at most `maxSans`), iPAddress SANs, and the total of every kind. */
  dnsNames: string[];
  ipAddresses: string[];
  sanTotal: number;
  isCa: boolean | null;
}

const NAME_TYPES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.25': 'DC',
};

const SIGNATURES: Record<string, { name: string; hash: string | null }> = {
  '1.2.840.113549.1.1.2': { name: 'md2WithRSAEncryption', hash: 'md2' },
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', hash: 'md5' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', hash: 'sha1' },
  '1.2.840.113549.1.1.10': { name: 'rsassaPss', hash: null },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', hash: 'sha512' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', hash: 'sha1' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', hash: 'sha512' },
  '1.2.840.10040.4.3': { name: 'dsa-with-SHA1', hash: 'sha1' },
  '2.16.840.1.101.3.4.3.2': { name: 'dsa-with-SHA256', hash: 'sha256' },
  '1.3.101.112': { name: 'Ed25519', hash: null },
  '1.3.101.113': { name: 'Ed448', hash: null },
};

const CURVES: Record<string, { name: string; bits: number }> = {
  '1.2.840.10045.3.1.7': { name: 'P-256', bits: 256 },
  '1.3.132.0.34': { name: 'P-384', bits: 384 },
  '1.3.132.0.35': { name: 'P-521', bits: 521 },
  '1.3.132.0.10': { name: 'secp256k1', bits: 256 },
  '1.2.840.10045.3.1.1': { name: 'P-192', bits: 192 },
  '1.3.132.0.33': { name: 'P-224', bits: 224 },
};

const EXT_SAN = '2.5.29.17';
const EXT_BASIC_CONSTRAINTS = '2.5.29.19';

function readName(element: Element): NameAttribute[] {
  const out: NameAttribute[] = [];
  for (const rdn of children(expect(element, TAG.sequence, 'name'))) {
    for (const atv of children(expect(rdn, TAG.set, 'relative distinguished name'))) {
      const [type, value] = children(expect(atv, TAG.sequence, 'attribute'));
      const oid = decodeOid(expect(type, TAG.oid, 'attribute type').content);
      if (!value) throw new DerError('attribute without a value');
      out.push({ type: NAME_TYPES[oid] ?? oid, value: decodeString(value) });
    }
  }
  return out;
}

/** Bits of a big-endian unsigned integer. */
function bitLength(content: Uint8Array): number {
  let i = 0;
  while (i < content.length && content[i] === 0) i++;
  if (i === content.length) return 0;
  return (content.length - i - 1) * 8 + Math.floor(Math.log2(content[i] as number)) + 1;
}

function readPublicKey(spki: Element): PublicKeyInfo {
  const [algorithm, key] = children(expect(spki, TAG.sequence, 'subjectPublicKeyInfo'));
  const [algOid, params] = children(expect(algorithm, TAG.sequence, 'key algorithm'));
  const oid = decodeOid(expect(algOid, TAG.oid, 'key algorithm').content);
  const bits = expect(key, TAG.bitString, 'public key').content.subarray(1);
  switch (oid) {
    case '1.2.840.113549.1.1.1': {
      const [modulus] = children(expect(readElement(bits), TAG.sequence, 'RSA public key'));
      return { type: 'rsa', bits: bitLength(expect(modulus, TAG.integer, 'RSA modulus').content), curve: null };
    }
    case '1.2.840.10045.2.1': {
      const curve = params?.tag === TAG.oid ? CURVES[decodeOid(params.content)] : undefined;
      return { type: 'ec', bits: curve?.bits ?? null, curve: curve?.name ?? null };
    }
    case '1.3.101.112':
      return { type: 'ed25519', bits: 256, curve: 'Ed25519' };
    case '1.3.101.113':
      return { type: 'ed448', bits: 456, curve: 'Ed448' };
    case '1.2.840.10040.4.1': {
      const p = params?.tag === TAG.sequence ? children(params)[0] : undefined;
      return { type: 'dsa', bits: p?.tag === TAG.integer ? bitLength(p.content) : null, curve: null };
    }
    default:
      return { type: 'unknown', bits: null, curve: oid };
  }
}

function ipText(bytes: Uint8Array): string {
  if (bytes.length !== 4 && bytes.length !== 16) return `(${bytes.length}-byte address)`;
  return ipaddr.fromByteArray([...bytes]).toString();
}

interface Extensions {
  dnsNames: string[];
  ipAddresses: string[];
  sanTotal: number;
  isCa: boolean | null;
}

function readExtensions(wrapper: Element | undefined, maxSans: number): Extensions {
  const out: Extensions = { dnsNames: [], ipAddresses: [], sanTotal: 0, isCa: null };
  if (!wrapper) return out;
  for (const ext of children(expect(children(wrapper)[0], TAG.sequence, 'extensions'))) {
    const parts = children(expect(ext, TAG.sequence, 'extension'));
    const oid = decodeOid(expect(parts[0], TAG.oid, 'extension id').content);
    const value = expect(parts[parts.length - 1], TAG.octetString, 'extension value').content;
    if (oid === EXT_SAN) {
      for (const name of children(expect(readElement(value), TAG.sequence, 'subjectAltName'))) {
        out.sanTotal++;
        // [2] dNSName and [7] iPAddress, implicitly tagged primitives.
        if (name.tag === 0x82 && out.dnsNames.length < maxSans)
          out.dnsNames.push(Buffer.from(name.content).toString('latin1'));
        if (name.tag === 0x87 && out.ipAddresses.length < maxSans) out.ipAddresses.push(ipText(name.content));
      }
    } else if (oid === EXT_BASIC_CONSTRAINTS) {
      const [ca] = children(expect(readElement(value), TAG.sequence, 'basicConstraints'));
      out.isCa = ca?.tag === TAG.boolean && ca.content[0] !== 0;
    }
  }
  return out;
}

/** Reads a certificate; throws DerError when it is not one. */
export function parseCertificate(der: Uint8Array, maxSans = 10_000): ParsedCertificate {
  const top = readElement(der);
  if (top.raw.length !== der.length) throw new DerError('bytes after the certificate');
  const [tbs, sigAlg] = children(expect(top, TAG.sequence, 'certificate'));
  const fields = children(expect(tbs, TAG.sequence, 'tbsCertificate'));
  // version [0] is optional (v1 certificates leave it out).
  const versioned = fields[0]?.tag === 0xa0;
  const version = versioned ? (children(fields[0] as Element)[0]?.content[0] ?? 0) + 1 : 1;
  const [serial, , issuer, validity, subject, spki, ...rest] = versioned ? fields.slice(1) : fields;
  const [notBefore, notAfter] = children(expect(validity, TAG.sequence, 'validity'));
  const sigOid = decodeOid(
    expect(children(expect(sigAlg, TAG.sequence, 'signature algorithm'))[0], TAG.oid, 'signature algorithm').content,
  );
  const signature = SIGNATURES[sigOid] ?? { name: sigOid, hash: null };
  const issuerElement = expect(issuer, TAG.sequence, 'issuer');
  const subjectElement = expect(subject, TAG.sequence, 'subject');
  return {
    der,
    sha256: createHash('sha256').update(der).digest('hex'),
    version,
    serial: integerHex(expect(serial, TAG.integer, 'serial number').content),
    signatureAlgorithm: { oid: sigOid, ...signature },
    issuer: readName(issuerElement),
    subject: readName(subjectElement),
    issuerRaw: issuerElement.raw,
    subjectRaw: subjectElement.raw,
    notBefore: notBefore ? decodeTime(notBefore) : null,
    notAfter: notAfter ? decodeTime(notAfter) : null,
    publicKey: readPublicKey(expect(spki, TAG.sequence, 'subjectPublicKeyInfo')),
    ...readExtensions(
      rest.find((e) => e.tag === 0xa3),
      maxSans,
    ),
  };
}
