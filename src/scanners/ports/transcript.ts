// The evidence of a port scan: every attempt on one address as text, in port order: the state,
// how long the connect took, the dialler's reason for a port that is not open, what was sent and
// what came back, escaped (the banner is the server's, and hostile).
import { escapeBanner } from './banner-text';
import { portInfo } from './port-table';
import type { PortResult, ProbeTiming } from './probe';

export function transcript(address: string, results: readonly PortResult[], timing: ProbeTiming): string {
  const lines = [
    `TCP connect scan of ${address}: ${results.length} ports`,
    `connect timeout ${timing.connectTimeoutMs} ms, banner wait ${timing.bannerTimeoutMs} ms`,
    '',
  ];
  for (const r of [...results].sort((a, b) => a.port - b.port)) {
    const label = `${r.port}/tcp ${portInfo(r.port).service}`;
    lines.push(`${label} ${r.state} ${r.connectMs} ms${r.reason ? `: ${r.reason}` : ''}`);
    if (r.sent) lines.push(`  sent: ${escapeBanner(new TextEncoder().encode(r.sent))}`);
    if (r.readEnd) {
      const size = r.banner?.length ?? 0;
      const how = `${r.readEnd}${r.readNote ? `: ${r.readNote}` : ''}`;
      lines.push(
        `  read ${size} byte${size === 1 ? '' : 's'} (${how})${r.banner ? `: ${escapeBanner(r.banner)}` : ''}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
