// The lab's certificates: a CA made at start and the scenario's certificates it issues.
export { createLabCa, type LabCa } from './ca';
export { type IssuedCertificate, issueCertificate } from './issue';
