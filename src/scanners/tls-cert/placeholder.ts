// Placeholder values in a certificate's subject and issuer (the table: ../kit/placeholder-names.ts).
import { placeholderSource } from '../kit/placeholder-names';
import type { ParsedCertificate } from './x509';

export interface Placeholder {
  /** Where the value sits in the certificate. */
  field: 'subject' | 'issuer';
  type: string;
  /** As the certificate has it. */
  value: string;
  /** Which tool or product puts it there. */
  source: string;
}

/** The placeholder values in a certificate's subject and issuer, in that order. */
export function placeholdersOf(cert: ParsedCertificate): Placeholder[] {
  const out: Placeholder[] = [];
  for (const field of ['subject', 'issuer'] as const) {
    for (const attribute of cert[field]) {
      const source = placeholderSource(attribute);
      if (source !== undefined) out.push({ field, type: attribute.type, value: attribute.value, source });
    }
  }
  return out;
}
