// Every scanner module the app knows. The follow-up menu on a node is every scanner here that
// accepts the node's type.
import type { Scanner } from '../shared/scanner';
import { contentScanner } from './content/scanner';
import { ctScanner } from './ct/scanner';
import { dnsScanner } from './dns/scanner';
import { dnssecScanner } from './dnssec/scanner';
import { emailSecurityScanner } from './email-security/scanner';
import { propagationScanner } from './propagation/scanner';
import { takeoverScanner } from './takeover/scanner';
import { techScanner } from './tech/scanner';
import { tlsCertScanner } from './tls-cert/scanner';
import { waybackScanner } from './wayback/scanner';
import { whoisScanner } from './whois/scanner';

export const scanners: Scanner[] = [
  dnsScanner,
  dnssecScanner,
  whoisScanner,
  emailSecurityScanner,
  propagationScanner,
  takeoverScanner,
  ctScanner,
  waybackScanner,
  techScanner,
  contentScanner,
  tlsCertScanner,
];

export function findScanner(id: string): Scanner | undefined {
  return scanners.find((scanner) => scanner.manifest.id === id);
}
