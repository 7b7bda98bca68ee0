// The root zone's trust anchors (IANA, https://data.iana.org/root-anchors/): KSK-2017 and
// KSK-2024 as DS records. A chain that reaches the root is checked against these.
import type { DsRdata } from '../../shared/dns/dnssec-rdata';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));

export const ROOT_ANCHORS: readonly DsRdata[] = [
  {
    keyTag: 20326,
    algorithm: 8,
    digestType: 2,
    digest: hex('E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D'),
  },
  {
    keyTag: 38696,
    algorithm: 8,
    digestType: 2,
    digest: hex('683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16'),
  },
];
