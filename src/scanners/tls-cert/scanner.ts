// The TLS certificate scanner: the chain the target serves, read over ctx.net's TLS dialer with
// SNI. When the local TLS library cannot finish that handshake (an SSL 3.0-only server, a
// certificate larger than OpenSSL accepts), the chain is read from a handcrafted TLS 1.2
// handshake instead, where certificates travel in the clear.
import { certificateValue, normaliseCertName } from '../../shared/cert-naming';
import { gradePropKey, scoreCategory } from '../../shared/grade';
import type { EntityKey, JsonValue, Props } from '../../shared/model';
import type { ScanContext, ScanEvent, ScanInput, Scanner } from '../../shared/scanner';
import { canonicalValue } from '../../shared/target';
import { type FindingInput, GraphBuilder } from '../kit/graph-builder';
import { placeholderSource } from '../kit/placeholder-names';
import { reportUnreachable } from '../kit/unreachable';
import { buildClientHello, x25519PublicKey } from '../tls-probe/client-hello';
import { exchange } from '../tls-probe/exchange';
import { describe } from '../tls-probe/probe';
import { LEGACY_SUITES } from '../tls-probe/suites';
import { resolveTarget, type TlsTarget } from '../tls-probe/target';
import { PROTOCOLS } from '../tls-probe/versions';
import { analyseChain, type ChainLink } from './chain';
import { tlsCertManifest } from './manifest';
import { type Placeholder, placeholdersOf } from './placeholder';
import { hasUnsafeCharacters, visible } from './text';
import { daysToExpiry, judge, POINTS } from './verdict';
import { type NameAttribute, type ParsedCertificate, parseCertificate } from './x509';

const CATEGORY = 'certificates';
const CONNECT_TIMEOUT_MS = 15_000;
/** SAN strings kept in a certificate's props: at most this many, and this many characters in all. */
const MAX_SAN_PROPS = 1000;
const MAX_SAN_PROP_CHARS = 64 * 1024;
const MAX_LISTED = 20;
const TLS12 = PROTOCOLS[3];
const HTTPS_PORT = 443;
const HTTP_PORT = 80;

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

/**
 * Why nothing accepted a TCP connection to address:port (refused, or no answer before the
 * timeout), or null when something did. Callers pass an address `resolveTarget` has checked
 * against the run's policy.
 */
async function connectFailure(ctx: ScanContext, address: string, port: number): Promise<string | null> {
  try {
    const connection = await ctx.net.dial({ host: address, port, timeoutMs: CONNECT_TIMEOUT_MS, signal: ctx.signal });
    connection.close();
    return null;
  } catch (error) {
    ctx.signal.throwIfAborted();
    return errorText(error);
  }
}

/** The served chain, or why no certificate came from a server that accepted the connection. */
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

/**
 * Who issued, as an organization to pivot on: the issuer's organisation, else its common name,
 * shown as text. Null when the issuer names no one: no name at all, or a tool's placeholder
 * ("Internet Widgits Pty Ltd"), which would link every certificate made with the same defaults.
 */
function issuerOrganization(cert: ParsedCertificate): string | null {
  const pick = (type: string) => cert.issuer.find((a) => a.type === type && a.value.trim() !== '');
  const named = pick('O') ?? pick('CN');
  if (named === undefined || placeholderSource(named) !== undefined) return null;
  return visible(named.value.trim(), 200);
}

const placeholderText = (p: Placeholder): string => `${p.type}=${visible(p.value, 200)}`;

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
  const placeholders = placeholdersOf(cert);
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
    ...(placeholders.length > 0
      ? { placeholders: placeholders.map((p) => ({ field: p.field, type: p.type, value: visible(p.value, 200) })) }
      : {}),
  };
}

/** The finding about tools' placeholder names in the chain (the leaf's first), if there are any. */
function placeholderFinding(
  links: readonly ChainLink[],
  citingOf: (link: ChainLink) => string,
): Omit<FindingInput, 'about'> | null {
  const found = links.flatMap((link, i) =>
    placeholdersOf(link.cert).map((placeholder) => ({ link, position: i, placeholder })),
  );
  const first = found[0];
  if (first === undefined) return null;
  const where = (position: number): string => (position === 0 ? 'Leaf' : `Certificate ${position + 1}`);
  return {
    severity: 'info',
    title:
      `${first.position === 0 ? 'The certificate' : 'A certificate in the chain'} carries a default placeholder ` +
      `${first.placeholder.field}: ${placeholderText(first.placeholder)}`,
    detail:
      `${found
        .slice(0, MAX_LISTED)
        .map(({ position, placeholder: p }) => `${where(position)} ${p.field} ${placeholderText(p)}: ${p.source}`)
        .join('\n')}\n` +
      "Nobody filled these in: the certificate was made in haste with a tool's defaults, as throwaway and " +
      'malicious infrastructure often is. They name no one, so no organization is added for them (it would ' +
      "link unrelated sites); they are kept in the certificate's placeholders prop.",
    evidence: [...new Set(found.map(({ link }) => citingOf(link)))],
  };
}

/**
 * Nothing accepted a connection on the TLS port. On the HTTPS port, a host that accepts on port 80
 * serves its site over plain HTTP only, which fails the SSL category; with nothing on port 80
 * either (a mail or name server, a host that is down), the category stays unknown.
 */
async function* reportNoListener(
  ctx: ScanContext,
  target: TlsTarget,
  subject: EntityKey,
  port: number,
  why: string,
): AsyncGenerator<ScanEvent> {
  const graph = new GraphBuilder(CATEGORY);
  const source = `tls://${target.host}:${port}`;
  const tried = `TCP connect to ${target.address}:${port}: ${why}`;
  if (port !== HTTPS_PORT) {
    yield* reportUnreachable(
      graph,
      subject,
      `No certificate: nothing accepted a connection on ${target.host}:${port}`,
      source,
      tried,
    );
    return;
  }
  // The address is the one resolveTarget checked against the policy for port 443.
  const plain = await connectFailure(ctx, target.address, HTTP_PORT);
  if (plain !== null) {
    yield* reportUnreachable(
      graph,
      subject,
      `No certificate: nothing accepted a connection on ${target.host}:${port}, nor on port ${HTTP_PORT}`,
      source,
      `${tried}\nTCP connect to ${target.address}:${HTTP_PORT}: ${plain}`,
    );
    return;
  }
  const ref = 'connect-attempts';
  yield {
    kind: 'evidence',
    ref,
    mediaType: 'text/plain; charset=utf-8',
    source,
    encoding: 'utf8',
    content: `${tried}\nTCP connect to ${target.address}:${HTTP_PORT}: accepted`,
  };
  const title = `${target.host} is served over plain HTTP only: nothing accepts connections on port ${port}, port ${HTTP_PORT} does`;
  graph.finding({
    about: subject,
    severity: 'medium',
    title,
    detail:
      `Port ${port}: ${why}. Port ${HTTP_PORT} accepted a connection. Without HTTPS, whatever is sent to the site, ` +
      'passwords included, crosses the network readable and changeable by anyone on the path, and browsers mark ' +
      'its pages "Not secure". A sign-in form served this way is a trait of hastily set up phishing sites.',
    evidence: [ref],
  });
  graph.entity(subject, [ref], {
    [gradePropKey('ssl')]: scoreCategory('ssl', tlsCertManifest.id, [{ points: POINTS.plainHttpOnly, reason: title }]),
  });
  yield* graph.drain();
  yield { kind: 'progress', fraction: 1, message: 'plain HTTP only' };
}

async function* run(input: ScanInput, ctx: ScanContext): AsyncGenerator<ScanEvent> {
  const options = readOptions(ctx.options);
  const target = await resolveTarget(input, ctx);
  const { host, isIp } = target;
  const subject: EntityKey = { type: isIp ? 'ip' : 'domain', value: host };
  const source = `tls://${host}:${options.port}`;
  yield { kind: 'progress', fraction: 0.05, message: `connecting to ${host}:${options.port}` };
  // A plain connect first tells "nothing listens" from "something listens but speaks no TLS", and
  // spares a port that never answers a second wait in the handshakes.
  const notListening = await connectFailure(ctx, target.address, options.port);
  if (notListening !== null) {
    yield* reportNoListener(ctx, target, subject, options.port, notListening);
    return;
  }
  const fetched = await fetchChain(ctx, target, options.port);
  if ('unavailable' in fetched) {
    // No TLS service is a result about the host; the SSL grade stays unknown rather than failed.
    yield* reportUnreachable(
      new GraphBuilder(CATEGORY),
      subject,
      `No certificate: ${host}:${options.port} accepted a connection but did not complete a TLS handshake`,
      source,
      fetched.unavailable,
    );
    return;
  }
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
  const citingOf = (link: ChainLink): string => refs[fetched.ders.indexOf(link.cert.der)] ?? (refs[0] as string);
  for (const [i, link] of chain.links.entries()) {
    const key = keys[i] as EntityKey;
    const citing = [citingOf(link)];
    graph.entity(key, citing, certificateProps(link, i, now));
    const organization = issuerOrganization(link.cert);
    if (organization !== null) graph.relation(key, 'issued_by', { type: 'organization', value: organization }, citing);
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
  const placeholders = placeholderFinding(chain.links, citingOf);
  if (placeholders) graph.finding({ about: subject, ...placeholders });
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
