// What the probe's result says about the server: old versions, missing modern ones, weak and
// insecure suites, forward secrecy and cipher order, as findings. Pure.
import type { Severity } from '../../shared/model';
import type { ProbeResult } from './probe';
import { type CipherSuite, suiteByCode, suiteName } from './suites';
import { PROTOCOLS, type ProtocolId } from './versions';

export interface ProbeVerdict {
  kind:
    | 'sslv3'
    | 'tls10'
    | 'tls11'
    | 'no-modern-tls'
    | 'no-tls13'
    | 'insecure-suites'
    | 'weak-suites'
    | 'legacy-suites'
    | 'no-forward-secrecy'
    | 'partial-forward-secrecy'
    | 'client-order'
    | 'capped';
  severity: Severity;
  title: string;
  detail: string;
}

const label = (id: ProtocolId): string => PROTOCOLS.find((p) => p.id === id)?.label ?? id;

/** Every accepted suite with the versions it was accepted in. */
function acceptedSuites(result: ProbeResult): Map<number, ProtocolId[]> {
  const out = new Map<number, ProtocolId[]>();
  for (const v of result.versions) for (const code of v.suites) out.set(code, [...(out.get(code) ?? []), v.protocol]);
  return out;
}

function listing(entries: [number, ProtocolId[]][]): string {
  return entries
    .map(([code, versions]) => {
      const suite = suiteByCode(code);
      const flags = suite && suite.flags.length > 0 ? ` [${suite.flags.join(', ')}]` : '';
      return `${suiteName(code)}${flags} (${versions.map(label).join(', ')})`;
    })
    .join('\n');
}

export function judgeProbe(result: ProbeResult): ProbeVerdict[] {
  const out: ProbeVerdict[] = [];
  const accepted = new Set(result.versions.filter((v) => v.accepted).map((v) => v.protocol));
  if (accepted.has('SSLv3')) {
    out.push({
      kind: 'sslv3',
      severity: 'high',
      title: 'SSL 3.0 is enabled',
      detail:
        'SSL 3.0 is broken (POODLE, RFC 7568 forbids it); an attacker in the path can decrypt parts of the traffic.',
    });
  }
  for (const [id, kind] of [
    ['TLSv1', 'tls10'],
    ['TLSv1.1', 'tls11'],
  ] as const) {
    if (!accepted.has(id)) continue;
    out.push({
      kind,
      severity: 'medium',
      title: `${label(id)} is enabled`,
      detail: `${label(id)} is deprecated (RFC 8996): browsers no longer use it, and only very old clients need it.`,
    });
  }
  const probed = new Set(result.versions.map((v) => v.protocol));
  if (accepted.size > 0 && !accepted.has('TLSv1.2') && !accepted.has('TLSv1.3') && probed.has('TLSv1.3')) {
    out.push({
      kind: 'no-modern-tls',
      severity: 'high',
      title: 'Neither TLS 1.2 nor TLS 1.3 is offered',
      detail: `Only ${[...accepted].map(label).join(', ')}: current clients refuse to connect, and old versions are weak.`,
    });
  } else if (accepted.has('TLSv1.2') && !accepted.has('TLSv1.3') && probed.has('TLSv1.3')) {
    out.push({
      kind: 'no-tls13',
      severity: 'info',
      title: 'TLS 1.3 is not offered',
      detail: 'TLS 1.2 works, but TLS 1.3 is faster and drops the legacy options TLS 1.2 still allows.',
    });
  }

  const suites = [...acceptedSuites(result).entries()];
  const rated = (rating: CipherSuite['rating']) => suites.filter(([code]) => suiteByCode(code)?.rating === rating);
  const groups = [
    [
      'insecure',
      'insecure-suites',
      'high',
      'Insecure cipher suites are accepted',
      'NULL, export, anonymous, RC4, DES and MD5 suites give an attacker the traffic or the session.',
    ],
    [
      'weak',
      'weak-suites',
      'medium',
      'Weak cipher suites are accepted',
      '3DES and IDEA have 64-bit blocks (Sweet32: recoverable plaintext on long connections).',
    ],
    [
      'legacy',
      'legacy-suites',
      'low',
      'CBC suites with SHA-1 are accepted',
      'CBC with HMAC-SHA1 is the legacy construction behind Lucky13 and BEAST-style attacks; AEAD suites (GCM, ChaCha20) replace it.',
    ],
  ] as const;
  for (const [rating, kind, severity, title, why] of groups) {
    const hits = rated(rating);
    if (hits.length > 0)
      out.push({ kind, severity, title: `${title} (${hits.length})`, detail: `${why}\n${listing(hits)}` });
  }

  const known = suites.filter(([code]) => suiteByCode(code) !== undefined);
  const withoutFs = known.filter(([code]) => !suiteByCode(code)?.fs);
  if (known.length > 0 && withoutFs.length === known.length) {
    out.push({
      kind: 'no-forward-secrecy',
      severity: 'medium',
      title: 'No forward secrecy',
      detail: `No accepted suite uses an ephemeral key exchange: whoever obtains the server's key later can decrypt recorded traffic.\n${listing(withoutFs)}`,
    });
  } else if (withoutFs.length > 0) {
    out.push({
      kind: 'partial-forward-secrecy',
      severity: 'low',
      title: `Suites without forward secrecy are accepted (${withoutFs.length})`,
      detail: `Clients that pick them lose forward secrecy:\n${listing(withoutFs)}`,
    });
  }
  const clientOrder = result.versions.filter((v) => v.preference === 'client').map((v) => label(v.protocol));
  if (clientOrder.length > 0) {
    out.push({
      kind: 'client-order',
      severity: 'low',
      title: `The server follows the client's cipher order (${clientOrder.join(', ')})`,
      detail: 'A client offering a weak suite first gets it; servers should pick from their own ordered list.',
    });
  }
  if (result.capped) {
    out.push({
      kind: 'capped',
      severity: 'info',
      title: `The probe stopped after ${result.connections} connections`,
      detail: 'The connection budget or the time limit ran out; versions or suites after that point were not tested.',
    });
  }
  return out;
}
