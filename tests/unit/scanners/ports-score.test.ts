// What open ports cost in the grade's ports category and which become findings: nothing for web,
// mail, SSH and DNS, points with the reason for each risky service, no score at all for a host
// where nothing answered; and the bounded pool the probes run in.
import { describe, expect, it } from 'vitest';
import { pooled } from '../../../src/scanners/ports/pool';
import type { PortResult } from '../../../src/scanners/ports/probe';
import { judgeAddress, portLosses, RISK_POINTS } from '../../../src/scanners/ports/verdict';
import { GRADE_CATEGORIES, scoreCategory } from '../../../src/shared/grade';

const result = (port: number, state: PortResult['state'], banner?: string): PortResult => ({
  address: '192.0.2.7',
  port,
  state,
  connectMs: 3,
  ...(banner ? { banner: new Uint8Array(Buffer.from(banner, 'latin1')), readEnd: 'complete' as const } : {}),
});

describe('the ports score', () => {
  it('costs nothing when only web, mail, SSH and DNS ports are open', () => {
    expect(portLosses([22, 25, 53, 80, 110, 143, 443, 465, 587, 993, 995, 8080, 8443])).toEqual([]);
    expect(scoreCategory('ports', 'ports', portLosses([22, 80, 443]))).toEqual({
      earned: GRADE_CATEGORIES.ports.weight,
      lost: [],
      scanner: 'ports',
    });
  });

  it('loses points per risky service, by risk, each with its reason', () => {
    const losses = portLosses([21, 22, 23, 6379]);
    expect(losses.map((l) => l.points)).toEqual([RISK_POINTS.medium, RISK_POINTS.high, RISK_POINTS.high]);
    expect(losses[1]?.reason).toMatch(/^Telnet \(23\/tcp\) is open to the internet: Telnet sends logins in clear text/);
    expect(losses[2]?.reason).toMatch(/^Redis \(6379\/tcp\)/);
    expect(scoreCategory('ports', 'ports', losses).earned).toBe(13 - 3 - 5 - 5);
    // Never below zero, whatever is open.
    expect(scoreCategory('ports', 'ports', portLosses([23, 445, 3306, 3389, 6379, 27017])).earned).toBe(0);
    // A port the table does not know is listed, not judged.
    expect(portLosses([40000])).toEqual([]);
  });
});

describe('judging an address', () => {
  it('finds each risky open service and sums up the open ports', () => {
    const verdict = judgeAddress(
      '192.0.2.7',
      [
        result(22, 'open', 'SSH-2.0-OpenSSH_8.2p1\r\n'),
        result(23, 'open', '\u001b[2Jlogin: '),
        result(21, 'closed'),
        result(3306, 'filtered'),
        result(11211, 'open'),
      ],
      new Map([[22, ['OpenSSH 8.2p1']]]),
    );
    expect(verdict).toMatchObject({ closed: 1, filtered: 1, errors: 0, answered: true });
    expect(verdict.open.map((r) => r.port)).toEqual([22, 23, 11211]);
    expect(verdict.findings.map((f) => `${f.severity}: ${f.title}`)).toEqual([
      'high: Telnet (23/tcp) is open to the internet on 192.0.2.7',
      'high: Memcached (11211/tcp) is open to the internet on 192.0.2.7',
      'info: 192.0.2.7 has 3 open TCP ports: 22 (ssh), 23 (telnet), 11211 (memcached)',
    ]);
    const summary = verdict.findings.at(-1)?.detail ?? '';
    expect(summary).toContain(
      '22/tcp (ssh) open (connected in 3 ms); product: OpenSSH 8.2p1; banner: SSH-2.0-OpenSSH_8.2p1\\r\\n',
    );
    expect(summary).toContain('1 closed, 1 filtered of 5 TCP ports scanned');
    // The banner's escape sequence is shown, never passed on.
    expect(verdict.findings[0]?.detail).toContain('\\x1b[2Jlogin: ');
    expect(JSON.stringify(verdict.findings)).not.toContain('\u001b');
    expect(verdict.losses.map((l) => l.points)).toEqual([5, 5]);
  });

  it('says so when nothing is open, and leaves a host where nothing answered unscored', () => {
    const quiet = judgeAddress('192.0.2.7', [result(21, 'closed'), result(22, 'filtered')], new Map());
    expect(quiet.answered).toBe(true);
    expect(quiet.findings.map((f) => f.title)).toEqual(['192.0.2.7 has no open TCP port among those scanned']);
    const silent = judgeAddress('192.0.2.7', [result(21, 'filtered'), result(22, 'error')], new Map());
    expect(silent.answered).toBe(false);
    expect(silent.findings.map((f) => f.title)).toEqual(['No port answered on 192.0.2.7']);
    expect(silent.findings[0]?.detail).toContain('0 closed, 1 filtered, 1 not scanned (errors) of 2');
  });

  it('keeps the summary title short however many ports are open', () => {
    const many = Array.from({ length: 300 }, (_, i) => result(40000 + i, 'open'));
    const [summary] = judgeAddress('192.0.2.7', many, new Map()).findings;
    expect(summary?.title.length).toBeLessThan(400);
    expect(summary?.title).toMatch(/has 300 open TCP ports: 40000 \(unknown\).*, …$/);
    expect(summary?.detail.split('\n')).toHaveLength(301);
  });
});

describe('the probe pool', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('runs every item with at most `limit` in flight and hands results out as they finish', async () => {
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    for await (const n of pooled(
      Array.from({ length: 40 }, (_, i) => i),
      5,
      async (i) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await sleep(i % 3 === 0 ? 15 : 1);
        inFlight--;
        return i;
      },
    )) {
      seen.push(n);
    }
    expect(most).toBe(5);
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    // A slow item does not hold back those after it.
    expect(seen.indexOf(0)).toBeGreaterThan(seen.indexOf(1));
  });

  it('throws the first failure after what is in flight has ended, starting nothing new', async () => {
    const started: number[] = [];
    let running = 0;
    const run = async () => {
      for await (const _ of pooled([0, 1, 2, 3, 4, 5, 6, 7], 3, async (i) => {
        started.push(i);
        running++;
        await sleep(i === 1 ? 1 : 20);
        running--;
        if (i === 1) throw new Error('aborted');
        return i;
      })) {
        // consumed
      }
    };
    await expect(run()).rejects.toThrow('aborted');
    expect(running).toBe(0);
    expect(started).toEqual([0, 1, 2]);
  });
});
