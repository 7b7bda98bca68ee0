// Well-known public resolvers: operators on several continents, so a regional answer shows.
// The propagation scanner asks them by default; the lab answers for each one a scenario does
// not describe, so every scenario has them.
export const PUBLIC_RESOLVERS: readonly { name: string; address: string }[] = [
  { name: 'Google', address: '8.8.8.8' },
  { name: 'Cloudflare', address: '1.1.1.1' },
  { name: 'Quad9', address: '9.9.9.9' },
  { name: 'OpenDNS', address: '208.67.222.222' },
  { name: 'CleanBrowsing', address: '185.228.168.9' },
  { name: 'Yandex', address: '77.88.8.8' },
  { name: 'DNSPod', address: '119.29.29.29' },
  { name: 'KT', address: '168.126.63.1' },
];
