// The text form of a DNS response kept as evidence: laid out like dig's output, so a reviewer
// reads it as they would read dig. Header flags come from the raw packet itself.
import type { DnsAnswerRecord, DnsResponse } from '../../shared/scanner';

export interface DnsHeader {
  id: number;
  opcode: string;
  /** rcode from the header's 4 bits (EDNS extended bits not included). */
  rcode: number;
  flags: string[];
  counts: { question: number; answer: number; authority: number; additional: number };
}

const OPCODES = ['QUERY', 'IQUERY', 'STATUS', 'OPCODE3', 'NOTIFY', 'UPDATE'];

/** The 12-byte DNS header of a packet, or undefined when the packet is shorter. Never throws. */
export function parseHeader(raw: Uint8Array): DnsHeader | undefined {
  if (raw.length < 12) return undefined;
  const u16 = (offset: number): number => ((raw[offset] ?? 0) << 8) | (raw[offset + 1] ?? 0);
  const bits = u16(2);
  const flags: string[] = [];
  const named: [number, string][] = [
    [15, 'qr'],
    [10, 'aa'],
    [9, 'tc'],
    [8, 'rd'],
    [7, 'ra'],
    [5, 'ad'],
    [4, 'cd'],
  ];
  for (const [bit, name] of named) if (bits & (1 << bit)) flags.push(name);
  const opcode = (bits >> 11) & 0x0f;
  return {
    id: u16(0),
    opcode: OPCODES[opcode] ?? `OPCODE${opcode}`,
    rcode: bits & 0x0f,
    flags,
    counts: { question: u16(4), answer: u16(6), authority: u16(8), additional: u16(10) },
  };
}

/** Records printed per section; the rest is counted (the raw packet keeps them all). */
export const MAX_PRINTED_RECORDS = 1000;

/**
 * One line, whatever the resolver passed through: control characters (a newline could forge a
 * section) become \DDD escapes. The core's resolver already escapes; another Net might not.
 */
export function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, (ch) => `\\${(ch.codePointAt(0) ?? 0).toString().padStart(3, '0')}`);
}

function absolute(name: string): string {
  const safe = oneLine(name);
  return safe === '.' || safe.endsWith('.') ? safe : `${safe}.`;
}

function section(title: string, records: DnsAnswerRecord[]): string[] {
  if (records.length === 0) return [];
  const lines = ['', `;; ${title} SECTION:`];
  for (const record of records.slice(0, MAX_PRINTED_RECORDS)) {
    lines.push(`${absolute(record.name)}\t${record.ttl}\tIN\t${oneLine(record.type)}\t${oneLine(record.data)}`);
  }
  if (records.length > MAX_PRINTED_RECORDS) {
    lines.push(`; … ${records.length - MAX_PRINTED_RECORDS} more records (see the raw packet)`);
  }
  return lines;
}

export function formatResponse(response: DnsResponse): string {
  const { question } = response;
  const header = parseHeader(response.raw);
  const lines = [
    `; <<>> Tracegraph dns <<>> @${oneLine(response.server)} ${absolute(question.name)} ${oneLine(question.type)}`,
  ];
  if (header) {
    lines.push(`;; ->>HEADER<<- opcode: ${header.opcode}, status: ${oneLine(response.rcode)}, id: ${header.id}`);
    const c = header.counts;
    lines.push(
      `;; flags: ${header.flags.join(' ')}; QUERY: ${c.question}, ANSWER: ${c.answer}, AUTHORITY: ${c.authority}, ADDITIONAL: ${c.additional}`,
    );
  } else {
    lines.push(`;; status: ${oneLine(response.rcode)} (the packet has no complete header)`);
  }
  const additionals = response.additionals ?? [];
  const opt = additionals.find((r) => r.type === 'OPT');
  if (opt) lines.push('', ';; OPT PSEUDOSECTION:', `; EDNS: ${oneLine(opt.data)}`);
  lines.push('', ';; QUESTION SECTION:', `;${absolute(question.name)}\t\tIN\t${oneLine(question.type)}`);
  lines.push(...section('ANSWER', response.answers));
  lines.push(...section('AUTHORITY', response.authorities));
  lines.push(
    ...section(
      'ADDITIONAL',
      additionals.filter((r) => r.type !== 'OPT'),
    ),
  );
  lines.push('', `;; SERVER: ${oneLine(response.server)}`, `;; MSG SIZE  rcvd: ${response.raw.length}`);
  return `${lines.join('\n')}\n`;
}
