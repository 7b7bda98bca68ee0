// X.509 certificates built field by field. node-forge supplies the ASN.1/DER encoding; node:crypto
// supplies keys and signatures. forge's own certificate API only handles RSA keys and encodes
// names as it sees fit, while the lab needs EC keys, names carrying any string a hostile scenario
// wants (control characters, markup, 100,000 characters) and thousands of SANs.
import { randomBytes, sign, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import forge from 'node-forge';
import type { LabKey } from './keys';

const { asn1 } = forge;
type Asn1 = forge.asn1.Asn1;
const { Class, Type } = asn1;

export interface NameSpec {
  CN: string;
  O?: string | undefined;
  C?: string | undefined;
}

const OID = {
  commonName: '2.5.4.3',
  organizationName: '2.5.4.10',
  countryName: '2.5.4.6',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

const bytes = (buffer: Buffer): string => buffer.toString('binary');
const utf8Bytes = (text: string): string => Buffer.from(text, 'utf8').toString('binary');
const oid = (id: string): Asn1 => asn1.create(Class.UNIVERSAL, Type.OID, false, asn1.oidToDer(id).getBytes());
const seq = (items: Asn1[]): Asn1 => asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, items);
/** A context-specific tag; forge types tags as universal types, so the number is cast. */
const tagged = (tag: number, constructed: boolean, value: string | Asn1[]): Asn1 =>
  asn1.create(Class.CONTEXT_SPECIFIC, tag as forge.asn1.Type, constructed, value);
const octets = (value: string): Asn1 => asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, value);
const der = (node: Asn1): string => asn1.toDer(node).getBytes();

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

function attribute(type: string, value: string): Asn1 {
  // PrintableString where the value allows it (as CAs do), UTF8String for everything else.
  const text = PRINTABLE.test(value)
    ? asn1.create(Class.UNIVERSAL, Type.PRINTABLESTRING, false, value)
    : asn1.create(Class.UNIVERSAL, Type.UTF8, false, utf8Bytes(value));
  return asn1.create(Class.UNIVERSAL, Type.SET, true, [seq([oid(type), text])]);
}

/** A distinguished name in the usual order C, O, CN; absent parts are left out, empty ones kept. */
export function encodeName(name: NameSpec): string {
  const rdns: Asn1[] = [];
  if (name.C !== undefined) rdns.push(attribute(OID.countryName, name.C));
  if (name.O !== undefined) rdns.push(attribute(OID.organizationName, name.O));
  rdns.push(attribute(OID.commonName, name.CN));
  return der(seq(rdns));
}

function time(date: Date): Asn1 {
  // RFC 5280: UTCTime through 2049, GeneralizedTime from 2050.
  const year = date.getUTCFullYear();
  return year >= 1950 && year < 2050
    ? asn1.create(Class.UNIVERSAL, Type.UTCTIME, false, asn1.dateToUtcTime(date))
    : asn1.create(Class.UNIVERSAL, Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(date));
}

function signatureAlgorithm(signer: LabKey): { node: Asn1; hash: 'sha256' | 'sha384' } {
  if (signer.spec.type === 'rsa') {
    return {
      node: seq([oid(OID.sha256WithRSA), asn1.create(Class.UNIVERSAL, Type.NULL, false, '')]),
      hash: 'sha256',
    };
  }
  // ECDSA algorithm identifiers carry no parameters at all (RFC 5758), not even NULL.
  return signer.spec.bits === 384
    ? { node: seq([oid(OID.ecdsaWithSha384)]), hash: 'sha384' }
    : { node: seq([oid(OID.ecdsaWithSha256)]), hash: 'sha256' };
}

export interface Extension {
  id: string;
  critical: boolean;
  value: Asn1;
}

function extension({ id, critical, value }: Extension): Asn1 {
  const parts = [oid(id)];
  if (critical) parts.push(asn1.create(Class.UNIVERSAL, Type.BOOLEAN, false, '\xff'));
  parts.push(octets(der(value)));
  return seq(parts);
}

export const extensions = {
  basicConstraints(ca: boolean, pathLength?: number): Extension {
    const fields: Asn1[] = [];
    if (ca) fields.push(asn1.create(Class.UNIVERSAL, Type.BOOLEAN, false, '\xff'));
    if (ca && pathLength !== undefined) {
      fields.push(asn1.create(Class.UNIVERSAL, Type.INTEGER, false, asn1.integerToDer(pathLength).getBytes()));
    }
    return { id: OID.basicConstraints, critical: true, value: seq(fields) };
  },
  /** Bits numbered as in RFC 5280: 0 digitalSignature, 2 keyEncipherment, 5 keyCertSign, 6 cRLSign. */
  keyUsage(bits: number[]): Extension {
    let mask = 0;
    for (const bit of bits) mask |= 0x80 >> bit;
    // DER drops trailing zero bits of a named bit list and says how many in the first byte.
    let unused = 0;
    while (unused < 7 && (mask & (1 << unused)) === 0) unused++;
    const value = asn1.create(Class.UNIVERSAL, Type.BITSTRING, false, String.fromCharCode(unused, mask));
    return { id: OID.keyUsage, critical: true, value };
  },
  serverAuth(): Extension {
    return { id: OID.extKeyUsage, critical: false, value: seq([oid(OID.serverAuth), oid(OID.clientAuth)]) };
  },
  subjectKeyId(key: LabKey): Extension {
    return { id: OID.subjectKeyIdentifier, critical: false, value: octets(bytes(key.keyId)) };
  },
  authorityKeyId(issuer: LabKey): Extension {
    return { id: OID.authorityKeyIdentifier, critical: false, value: seq([tagged(0, false, bytes(issuer.keyId))]) };
  },
  /** DNS names, and IP addresses for entries that parse as one. */
  subjectAltName(names: readonly string[]): Extension {
    const general = names.map((name) =>
      isIP(name) !== 0
        ? tagged(7, false, String.fromCharCode(...ipaddr.parse(name).toByteArray()))
        : // dNSName is an IA5String; a hostile name outside ASCII goes out as its UTF-8 bytes.
          tagged(2, false, utf8Bytes(name)),
    );
    return { id: OID.subjectAltName, critical: false, value: seq(general) };
  },
};

export interface CertificateFields {
  subject: NameSpec;
  /** DER of the issuer's subject name; the subject's own for a self-signed certificate. */
  issuerName?: string;
  notBefore: Date;
  notAfter: Date;
  key: LabKey;
  signer: LabKey;
  extensions: Extension[];
}

export interface BuiltCertificate {
  pem: string;
  /** DER of the subject name, for certificates this one issues. */
  subjectName: string;
  x509: X509Certificate;
}

function serialNumber(): string {
  const serial = randomBytes(16);
  // Positive, and a non-zero first byte so the DER INTEGER needs no padding (RFC 5280: <= 20 bytes).
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x10;
  return bytes(serial);
}

export function buildCertificate(fields: CertificateFields): BuiltCertificate {
  const subjectName = encodeName(fields.subject);
  const algorithm = signatureAlgorithm(fields.signer);
  const tbs = seq([
    tagged(0, true, [asn1.create(Class.UNIVERSAL, Type.INTEGER, false, '\x02')]), // v3
    asn1.create(Class.UNIVERSAL, Type.INTEGER, false, serialNumber()),
    algorithm.node,
    asn1.fromDer(fields.issuerName ?? subjectName),
    seq([time(fields.notBefore), time(fields.notAfter)]),
    asn1.fromDer(subjectName),
    asn1.fromDer(bytes(fields.key.spkiDer)),
    tagged(3, true, [seq(fields.extensions.map(extension))]),
  ]);
  const tbsDer = Buffer.from(der(tbs), 'binary');
  // RSA keys sign PKCS#1 v1.5, EC keys produce the DER ECDSA-Sig-Value certificates carry.
  const signature = sign(algorithm.hash, tbsDer, fields.signer.privateKey);
  const certificate = seq([
    tbs,
    algorithm.node,
    asn1.create(Class.UNIVERSAL, Type.BITSTRING, false, `\x00${bytes(signature)}`),
  ]);
  // Parsing it back with OpenSSL proves it is well formed and gives the canonical PEM.
  const x509 = new X509Certificate(Buffer.from(der(certificate), 'binary'));
  return { pem: x509.toString(), subjectName, x509 };
}
