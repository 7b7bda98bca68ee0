// Spamhaus DROP lists for the lab: the classic text files (";" comment lines, then one
// "cidr ; SBLnnn" per line) and the newer NDJSON files (one object per line, then a metadata line).
import ipaddr from 'ipaddr.js';
import type * as z from 'zod';
import type { DropEntry } from '../scenario/schema';

type Entry = z.infer<typeof DropEntry>;
export type DropList = Entry['list'];

export const DROP_FILES: Readonly<Record<string, { lists: DropList[]; format: 'text' | 'json'; title: string }>> = {
  'drop.txt': { lists: ['drop'], format: 'text', title: 'DROP List' },
  'edrop.txt': { lists: ['edrop'], format: 'text', title: 'EDROP List' },
  'drop_v6.txt': { lists: ['drop-v6'], format: 'text', title: 'DROPv6 List' },
  // Since 2024 the JSON files carry EDROP's blocks in DROP.
  'drop_v4.json': { lists: ['drop', 'edrop'], format: 'json', title: 'DROP List' },
  'drop_v6.json': { lists: ['drop-v6'], format: 'json', title: 'DROPv6 List' },
};

function byAddress(a: Entry, b: Entry): number {
  const [na, la] = ipaddr.parseCIDR(a.cidr);
  const [nb, lb] = ipaddr.parseCIDR(b.cidr);
  const ba = na.toByteArray();
  const bb = nb.toByteArray();
  if (ba.length !== bb.length) return ba.length - bb.length;
  for (let i = 0; i < ba.length; i++) {
    const d = (ba[i] ?? 0) - (bb[i] ?? 0);
    if (d !== 0) return d;
  }
  return la - lb;
}

/** The file's body, or null for a file name the lists do not have. */
export function dropFile(
  name: string,
  entries: readonly Entry[],
  modified: Date,
): { body: string; contentType: string } | null {
  const spec = DROP_FILES[name];
  if (!spec) return null;
  const selected = entries.filter((entry) => spec.lists.includes(entry.list)).sort(byAddress);
  if (spec.format === 'json') {
    const lines = selected.map((entry) => JSON.stringify({ cidr: entry.cidr, sblid: entry.sbl }));
    lines.push(
      JSON.stringify({
        type: 'metadata',
        timestamp: Math.floor(modified.getTime() / 1000),
        records: selected.length,
        copyright: 'Tracegraph lab data, made up for testing',
      }),
    );
    return { body: `${lines.join('\n')}\n`, contentType: 'application/x-ndjson' };
  }
  const expires = new Date(modified.getTime() + 3_600_000);
  const head = [
    `; Spamhaus ${spec.title} ${modified.toISOString().slice(0, 10).replaceAll('-', '/')} - Tracegraph lab copy, made up`,
    `; https://www.spamhaus.org/drop/${name}`,
    `; Last-Modified: ${modified.toUTCString()}`,
    `; Expires: ${expires.toUTCString()}`,
  ];
  const body = [...head, ...selected.map((entry) => `${entry.cidr} ; ${entry.sbl}`)].join('\n');
  return { body: `${body}\n`, contentType: 'text/plain; charset=utf-8' };
}
