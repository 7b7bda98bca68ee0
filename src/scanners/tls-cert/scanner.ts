// The TLS certificate scanner: the chain the target serves, read over ctx.net's TLS dialer with
// SNI. When the local TLS library cannot finish that handshake (an SSL 3.0-only server, a
// certificate larger than OpenSSL accepts), the chain is read from a handcrafted TLS 1.2
// handshake instead, where certificates travel in the clear.
import { certificateValue, normaliseCertName } from '../../shared/cert-naming';
import { gradePropKey, scoreCategory } from '../../shared/grade';
import type { EntityKey, JsonValue, Props } from '../../shared/model';
import type { ScanContext, ScanEvent, ScanInput, Scanner } from '../../shared/scanner';
import { canonicalValue } from '../../shared/target';
import { GraphBuilder } from '../kit/graph-builder';
import { reportUnreachable } from '../kit/unreachable';
import { buildClientHello, x25519PublicKey } from '../tls-probe/client-hello';
import { exchange } from '../tls-probe/exchange';
import { describe } from '../tls-probe/probe';
import { LEGACY_SUITES } from '../tls-probe/suites';
import { resolveTarget, type TlsTarget } from '../tls-probe/target';
import { PROTOCOLS } from '../tls-probe/versions';
import { analyseChain, type ChainLink } from './chain';
import { tlsCertManifest } from './manifest';
import { hasUnsafeCharacters, visible } from './text';
import { daysToExpiry, judge } from './verdict';
import { type NameAttribute, type ParsedCertificate, parseCertificate } from './x509';

const CATEGORY = 'certificates';
const CONNECT_TIMEOUT_MS = 15_000;
/** SAN strings kept in a certificate's props: at most this many, and this many characters in all. */
const MAX_SAN_PROPS = 1000;
const MAX_SAN_PROP_CHARS = 64 * 1024;
const MAX_LISTED = 20;
const TLS12 = PROTOCOLS[3];

interface Options {
  port: number;
  maxSanNodes: number;
}

function readOptions(raw: Record<string, JsonValue>): Options {
  const number = (v: JsonValue | undefined, fallback: number, min: number, max: number): number =>
    typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, Math.floor(v))) : fallback;
  return { port: number(raw.port, 443, 1, 65535), maxSanNodes: number(raw.maxSanNodes, 200, 0, 10_000) };
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

interface Fetched {
  ders: Uint8Array[];
  via: 'tls' | 'handcrafted';
  /** Why the TLS dialer failed, when the handcrafted handshake had to step in. */
  tlsError: string | null;
}

/** The served chain, or why no certificate came (nothing listens, or it does not speak TLS). */
async function fetchChain(
  ctx: ScanContext,
  target: TlsTarget,
  port: number,
): Promise<Fetched | { unavailable: string }> {
  const { address: host, serverName: sni } = target;
  let tlsError: string;
  try {
    const connection = await ctx.net.dialTls({
      host,
      port,
      ...(sni ? { servername: sni } : {}),
      timeoutMs: CONNECT_TIMEOUT_MS,
      signal: ctx.signal,
    });
    try {
      const ders = connection.peerCertificatesDer();
      if (ders.length > 0) return { ders, via: 'tls', tlsError: null };
      tlsError = 'the server sent no certificate';
    } finally {
      connection.close();
    }
  } catch (error) {
    ctx.signal.throwIfAborted();
    tlsError = errorText(error);
  }
  const hello = buildClientHello({
    protocol: TLS12,
    suites: LEGACY_SUITES,
    serverName: sni,
    keyShare: x25519PublicKey(),
  });
  let raw: string;
  try {
    const result = await exchange(
      ctx.net,
      { host, port, timeoutMs: CONNECT_TIMEOUT_MS, signal: ctx.signal },
      hello,
      true,
    );
    if (result.certificates && result.certificates.length > 0) {
      return { ders: result.certificates, via: 'handcrafted', tlsError };
    }
    raw = result.answer.kind === 'hello' ? 'a handshake without certificates' : describe(result.answer);
  } catch (error) {
    ctx.signal.throwIfAborted();
    raw = errorText(error);
  }
  return { unavailable: `TLS handshake: ${tlsError}; handcrafted handshake: ${raw}` };
}

const nameText = (attributes: readonly NameAttribute[]): string =>
  visible(attributes.map((a) => `${a.type}=${a.value}`).join(', '), 2000);

/** Who issued: the issuer's organisation, else its common name, shown as text. */
function issuerLabel(cert: ParsedCertificate): string {
  const pick = (type: string) => cert.issuer.find((a) => a.type === type && a.value.trim() !== '')?.value.trim();
  return visible(pick('O') ?? pick('CN') ?? 'unknown issuer', 200);
}

function sanProps(cert: ParsedCertificate): { sans: string[]; cut: number } {
  const sans: string[] = [];
  let chars = 0;
  for (const name of [...cert.dnsNames, ...cert.ipAddresses]) {
    const shown = visible(name, 300);
    if (sans.length >= MAX_SAN_PROPS || chars + shown.length > MAX_SAN_PROP_CHARS) break;
    sans.push(shown);
    chars += shown.length;
  }
  return { sans, cut: cert.sanTotal - sans.length };
}

function certificateProps(link: ChainLink, position: number, now: number): Props {
  const { cert } = link;
  const { sans, cut } = sanProps(cert);
  return {
    sha256: cert.sha256,
    subject: nameText(cert.subject),
    issuer: nameText(cert.issuer),
    serial: cert.serial.slice(0, 200),
    version: cert.version,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    daysToExpiry: daysToExpiry(cert, now),
    key: { type: cert.publicKey.type, bits: cert.publicKey.bits, curve: cert.publicKey.curve },
    signatureAlgorithm: visible(cert.signatureAlgorithm.name, 200),
    sans,
    sanCount: cert.sanTotal,
    ...(cut > 0 ? { sansNotListed: cut } : {}),
    selfSigned: link.selfSigned,
    isCa: cert.isCa,
    chainPosition: position,
  };
}

async function* run(input: ScanInput, ctx: ScanContext): AsyncGenerator<ScanEvent> {
  const options = readOptions(ctx.options);
  const target = await resolveTarget(input, ctx);
  const { host, isIp } = target;
  const subject: EntityKey = { type: isIp ? 'ip' : 'domain', value: host };
  yield { kind: 'progress', fraction: 0.05, message: `connecting to ${host}:${options.port}` };
  const fetched = await fetchChain(ctx, target, options.port);
  if ('unavailable' in fetched) {
    // No TLS service is a result about the host; the SSL grade stays unknown rather than failed.
    yield* reportUnreachable(
      new GraphBuilder(CATEGORY),
      subject,
      `No certificate: ${host}:${options.port} did not complete a TLS handshake`,
      `tls://${host}:${options.port}`,
      fetched.unavailable,
    );
    return;
  }
  const source = `tls://${host}:${options.port}`;
  const refs = fetched.ders.map((_, i) => `cert:${i}`);
  for (const [i, der] of fetched.ders.entries()) {
    yield {
      kind: 'evidence',
      ref: refs[i] as string,
      mediaType: 'application/pkix-cert',
      source,
      encoding: 'base64',
      content: Buffer.from(der).toString('base64'),
    };
  }
  yield { kind: 'progress', fraction: 0.6, message: `reading ${fetched.ders.length} certificate(s)` };

  const graph = new GraphBuilder(CATEGORY);
  const parsed: ParsedCertificate[] = [];
  const unreadable: string[] = [];
  for (const [i, der] of fetched.ders.entries()) {
    try {
      parsed.push(parseCertificate(der));
    } catch (error) {
      if (i === 0) throw new Error(`the certificate ${host} serves cannot be read: ${errorText(error)}`);
      unreadable.push(`certificate ${i + 1}: ${errorText(error)}`);
    }
  }
  const now = Date.now();
  const chain = analyseChain(parsed);
  const keys = chain.links.map(
    (link): EntityKey => ({ type: 'certificate', value: certificateValue(link.cert.sha256) }),
  );
  const leafKey = keys[0] as EntityKey;
  const leaf = (chain.links[0] as ChainLink).cert;
  const leafRefs = [refs[0] as string];
  for (const [i, link] of chain.links.entries()) {
    const key = keys[i] as EntityKey;
    const citing = [refs[fetched.ders.indexOf(link.cert.der)] ?? (refs[0] as string)];
    graph.entity(key, citing, certificateProps(link, i, now));
    graph.relation(key, 'issued_by', { type: 'organization', value: issuerLabel(link.cert) }, citing);
    if (link.issuerIndex !== null) graph.relation(key, 'issued_by', keys[link.issuerIndex] as EntityKey, citing);
  }

  // Every SAN a pivot, up to the cap: wildcards as in the CT scanner (the base name, flagged).
  const invalid: string[] = [];
  const placed = new Set<string>();
  for (const name of leaf.dnsNames) {
    const normal = normaliseCertName(name);
    if (normal === null) {
      invalid.push(name);
      continue;
    }
    if (placed.size >= options.maxSanNodes && !placed.has(normal.name)) continue;
    placed.add(normal.name);
    const target: EntityKey = { type: 'domain', value: normal.name };
    if (normal.wildcard) graph.entity(target, leafRefs, { wildcard: true });
    graph.relation(target, 'covered_by_cert', leafKey, leafRefs, normal.wildcard ? { wildcard: true } : undefined);
  }
  for (const ip of leaf.ipAddresses.slice(0, Math.max(0, options.maxSanNodes - placed.size))) {
    const value = canonicalValue('ip', ip);
    if (value) graph.relation({ type: 'ip', value }, 'covered_by_cert', leafKey, leafRefs);
  }

  const verdicts = judge(chain, { host, isIp }, now);
  for (const v of verdicts)
    graph.finding({ about: subject, severity: v.severity, title: v.title, detail: v.detail, evidence: leafRefs });
  const onGraph = Math.min(placed.size + leaf.ipAddresses.length, options.maxSanNodes);
  if (placed.size >= options.maxSanNodes && leaf.sanTotal > onGraph + invalid.length) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `The certificate lists ${leaf.sanTotal} names; ${onGraph} were added to the graph`,
      detail:
        `Names beyond the first ${options.maxSanNodes} were left off the graph (option maxSanNodes), and ` +
        `${sanProps(leaf).cut} are not listed in the certificate's props (at most ${MAX_SAN_PROPS} names, ` +
        `${MAX_SAN_PROP_CHARS} characters). All of them are in the evidence.`,
      evidence: leafRefs,
    });
  }
  if (invalid.length > 0) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: invalid.length === 1 ? 'A SAN entry is not a DNS name' : `${invalid.length} SAN entries are not DNS names`,
      detail: `Skipped (markup, addresses or garbage):\n${invalid
        .slice(0, MAX_LISTED)
        .map((n) => JSON.stringify(visible(n, 100)))
        .join('\n')}`,
      evidence: leafRefs,
    });
  }
  const unsafe = chain.links.some(
    ({ cert }) =>
      [...cert.subject, ...cert.issuer].some((a) => hasUnsafeCharacters(a.value)) ||
      cert.dnsNames.some(hasUnsafeCharacters),
  );
  if (unsafe) {
    graph.finding({
      about: subject,
      severity: 'low',
      title: 'Certificate names contain control or direction-changing characters',
      detail:
        `Subject: ${nameText(leaf.subject)}\nIssuer: ${nameText(leaf.issuer)}\n` +
        'They are shown escaped (\\u...). Legitimate CAs do not issue such names: the certificate was made to confuse tools or people.',
      evidence: leafRefs,
    });
  }
  if (unreadable.length > 0) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: 'Part of the chain could not be read',
      detail: unreadable.join('\n'),
      evidence: refs,
    });
  }

  const match = verdicts.every((v) => v.kind !== 'mismatch');
  graph.entity(subject, leafRefs, {
    tlsCertificate: {
      port: options.port,
      sha256: leaf.sha256,
      via: fetched.via,
      ...(fetched.tlsError ? { tlsError: visible(fetched.tlsError, 500) } : {}),
      chainLength: chain.links.length,
      coversHost: match,
      daysToExpiry: daysToExpiry(leaf, now),
    },
    [gradePropKey('ssl')]: scoreCategory(
      'ssl',
      tlsCertManifest.id,
      verdicts.map((v) => ({ points: v.points, reason: v.title })),
    ),
  });
  yield* graph.drain();
  yield { kind: 'progress', fraction: 1, message: 'done' };
}

export const tlsCertScanner: Scanner = { manifest: tlsCertManifest, run };
