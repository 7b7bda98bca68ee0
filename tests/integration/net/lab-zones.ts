// Zones the network tests serve from the lab DNS server: one record of every supported type.
import type { ZoneInput } from '../../../src/lab/dns/zone';

export const allTypesZone: ZoneInput = {
  origin: 'lab.test',
  records: [
    { name: '@', type: 'SOA', ttl: 3600, data: 'ns1.lab.test. hostmaster.lab.test. 2024010101 7200 3600 1209600 60' },
    { name: '@', type: 'NS', data: 'ns1.lab.test' },
    { name: '@', type: 'A', ttl: 120, data: '127.0.0.1' },
    { name: '@', type: 'AAAA', data: '2001:db8:0:0:0:0:0:1' },
    { name: '@', type: 'MX', data: '10 mail.lab.test' },
    { name: '@', type: 'TXT', data: ['v=spf1 ', '-all'] },
    { name: '@', type: 'CAA', data: '128 issue "ca.example; account=1"' },
    { name: 'www', type: 'CNAME', data: 'lab.test.' },
    { name: '_sip._tcp', type: 'SRV', data: '10 60 5060 sip.lab.test' },
    { name: 'app', type: 'A', data: '127.0.0.1' },
    { name: 'deep.empty', type: 'A', data: '127.0.0.3' },
    { name: 'long', type: 'TXT', data: 'x'.repeat(600) },
    ...Array.from({ length: 120 }, (_, i) => ({ name: 'big', type: 'A' as const, data: `127.1.${i >> 8}.${i & 255}` })),
  ],
};

export const reverseZone: ZoneInput = {
  origin: '0.0.127.in-addr.arpa',
  records: [{ name: '1', type: 'PTR', data: 'localhost.lab.test' }],
};
