// Every scanner module the app knows. The follow-up menu on a node is every scanner here that
// accepts the node's type.
import type { Scanner } from '../shared/scanner';
import { dnsScanner } from './dns/scanner';
import { emailSecurityScanner } from './email-security/scanner';
import { propagationScanner } from './propagation/scanner';
import { whoisScanner } from './whois/scanner';

export const scanners: Scanner[] = [dnsScanner, whoisScanner, emailSecurityScanner, propagationScanner];

export function findScanner(id: string): Scanner | undefined {
  return scanners.find((scanner) => scanner.manifest.id === id);
}
