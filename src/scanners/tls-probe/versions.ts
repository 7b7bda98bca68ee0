// The protocol versions probed, oldest first, with their wire codes.

export const PROTOCOLS = [
  { id: 'SSLv3', wire: 0x0300, label: 'SSL 3.0' },
  { id: 'TLSv1', wire: 0x0301, label: 'TLS 1.0' },
  { id: 'TLSv1.1', wire: 0x0302, label: 'TLS 1.1' },
  { id: 'TLSv1.2', wire: 0x0303, label: 'TLS 1.2' },
  { id: 'TLSv1.3', wire: 0x0304, label: 'TLS 1.3' },
] as const;

export type Protocol = (typeof PROTOCOLS)[number];
export type ProtocolId = Protocol['id'];

/** A version's name from its wire code ("TLS 1.2"), or the code in hex for anything else. */
export function versionLabel(wire: number): string {
  return PROTOCOLS.find((p) => p.wire === wire)?.label ?? `0x${wire.toString(16).padStart(4, '0')}`;
}
