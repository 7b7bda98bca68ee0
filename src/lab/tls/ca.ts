// The lab's certificate authority: a root and an intermediate that issues the scenario's
// certificates, as public CAs do. Made fresh at every lab start (new serials and dates); the
// keys come from the per-process cache, so a start costs milliseconds after the first.
import { type LabKey, labKey } from './keys';
import { buildCertificate, extensions } from './x509';

export interface LabCa {
  /** PEM of the root certificate: the one trust anchor that makes the lab's chains verify. */
  readonly rootPem: string;
  /** PEM of the intermediate that signs every 'lab-ca' certificate; servers send it as the chain. */
  readonly intermediatePem: string;
  /** Signing material of the intermediate, for issueCertificate. */
  readonly issuer: { readonly key: LabKey; readonly name: string };
}

// Wide enough to cover any validity a scenario gives its certificates (expired ones included),
// so a verifier that checks the chain at the leaf's own dates still reaches the root.
const CA_NOT_BEFORE = new Date('2000-01-01T00:00:00Z');
const CA_NOT_AFTER = new Date('2099-12-31T23:59:59Z');

export function createLabCa(): LabCa {
  const rootKey = labKey({ type: 'rsa', bits: 2048 }, 'lab-root-ca');
  const intermediateKey = labKey({ type: 'rsa', bits: 2048 }, 'lab-intermediate-ca');
  const caExtensions = (key: LabKey, pathLength: number) => [
    extensions.basicConstraints(true, pathLength),
    extensions.keyUsage([0, 5, 6]),
    extensions.subjectKeyId(key),
  ];
  const root = buildCertificate({
    subject: { C: 'ZZ', O: 'Tracegraph Lab', CN: 'Tracegraph Lab Root CA' },
    notBefore: CA_NOT_BEFORE,
    notAfter: CA_NOT_AFTER,
    key: rootKey,
    signer: rootKey,
    extensions: caExtensions(rootKey, 1),
  });
  const intermediate = buildCertificate({
    subject: { C: 'ZZ', O: 'Tracegraph Lab', CN: 'Tracegraph Lab Issuing CA 1' },
    issuerName: root.subjectName,
    notBefore: CA_NOT_BEFORE,
    notAfter: CA_NOT_AFTER,
    key: intermediateKey,
    signer: rootKey,
    extensions: [...caExtensions(intermediateKey, 0), extensions.authorityKeyId(rootKey)],
  });
  return {
    rootPem: root.pem,
    intermediatePem: intermediate.pem,
    issuer: { key: intermediateKey, name: intermediate.subjectName },
  };
}
