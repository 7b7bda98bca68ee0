// Every scanner module the app knows: its manifest, read at start (the follow-up menu on a node is
// every scanner here that accepts the node's type), and its code, loaded only by the worker that
// runs it, so a worker starts without parsing every scanner's dependencies (Chromium's driver,
// certificate parsers, signature sets).
import type { Scanner, ScannerManifest } from '../shared/scanner';
import { contentManifest } from './content/manifest';
import { ctManifest } from './ct/manifest';
import { cveManifest } from './cve/manifest';
import { dnsManifest } from './dns/manifest';
import { dnssecManifest } from './dnssec/manifest';
import { emailSecurityManifest } from './email-security/manifest';
import { httpManifest } from './http/manifest';
import { openRedirectManifest } from './open-redirect/manifest';
import { portsManifest } from './ports/manifest';
import { propagationManifest } from './propagation/manifest';
import { reputationManifest } from './reputation/manifest';
import { screenshotManifest } from './screenshot/manifest';
import { subdomainsManifest } from './subdomains/manifest';
import { takeoverManifest } from './takeover/manifest';
import { techManifest } from './tech/manifest';
import { tlsCertManifest } from './tls-cert/manifest';
import { tlsProbeManifest } from './tls-probe/manifest';
import { waybackManifest } from './wayback/manifest';
import { whoisManifest } from './whois/manifest';

interface Entry {
  manifest: ScannerManifest;
  load(): Promise<Scanner>;
}

const entries: Entry[] = [
  { manifest: dnsManifest, load: async () => (await import('./dns/scanner')).dnsScanner },
  { manifest: dnssecManifest, load: async () => (await import('./dnssec/scanner')).dnssecScanner },
  { manifest: whoisManifest, load: async () => (await import('./whois/scanner')).whoisScanner },
  {
    manifest: emailSecurityManifest,
    load: async () => (await import('./email-security/scanner')).emailSecurityScanner,
  },
  { manifest: propagationManifest, load: async () => (await import('./propagation/scanner')).propagationScanner },
  { manifest: takeoverManifest, load: async () => (await import('./takeover/scanner')).takeoverScanner },
  { manifest: ctManifest, load: async () => (await import('./ct/scanner')).ctScanner },
  { manifest: subdomainsManifest, load: async () => (await import('./subdomains/scanner')).subdomainsScanner },
  { manifest: waybackManifest, load: async () => (await import('./wayback/scanner')).waybackScanner },
  { manifest: techManifest, load: async () => (await import('./tech/scanner')).techScanner },
  { manifest: contentManifest, load: async () => (await import('./content/scanner')).contentScanner },
  { manifest: screenshotManifest, load: async () => (await import('./screenshot/scanner')).screenshotScanner },
  { manifest: tlsCertManifest, load: async () => (await import('./tls-cert/scanner')).tlsCertScanner },
  { manifest: httpManifest, load: async () => (await import('./http/scanner')).httpScanner },
  { manifest: openRedirectManifest, load: async () => (await import('./open-redirect/scanner')).openRedirectScanner },
  { manifest: tlsProbeManifest, load: async () => (await import('./tls-probe/scanner')).tlsProbeScanner },
  { manifest: reputationManifest, load: async () => (await import('./reputation/scanner')).reputationScanner },
  { manifest: portsManifest, load: async () => (await import('./ports/scanner')).portsScanner },
  { manifest: cveManifest, load: async () => (await import('./cve/scanner')).cveScanner },
];

export const manifests: ScannerManifest[] = entries.map((e) => e.manifest);

/** The scanner's code, loaded on first use; undefined for an unknown id. */
export async function loadScanner(id: string): Promise<Scanner | undefined> {
  return entries.find((e) => e.manifest.id === id)?.load();
}
