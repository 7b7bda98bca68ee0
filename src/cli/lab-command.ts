// `tracegraph lab serve <scenario.json>`: starts the simulated internet for people to use, and
// prints what listens where. `withLab` runs anything (a scan, the web shell) against a lab.
import { type Lab, startLab } from '../lab/lab';
import { loadScenario } from '../lab/scenario/load';

export async function withLab<T>(scenarioFile: string, run: (lab: Lab) => Promise<T>): Promise<T> {
  const lab = await startLab(loadScenario(scenarioFile));
  try {
    return await run(lab);
  } finally {
    await lab.stop();
  }
}

export function describeLab(lab: Lab): string {
  const width = Math.max(...lab.listeners.map((l) => l.service.length));
  const rows = lab.listeners.map((l) => `  ${l.service.padEnd(width)}  ${l.scenario.padEnd(28)} -> ${l.local}`);
  return [
    `Lab "${lab.scenario.name}": a simulated internet on 127.0.0.1. Scenario addresses are labels; nothing leaves this machine.`,
    ...rows,
    `  GeoIP database: ${lab.geoDb}`,
    '',
    `Ask it with dig, curl or whois at the local addresses above; scan it with: tracegraph scan --lab <scenario.json> <target>`,
  ].join('\n');
}

export async function labServeCommand(scenarioFile: string, options: { dnsPort?: string }): Promise<void> {
  const dnsPort = options.dnsPort === undefined ? undefined : Number(options.dnsPort);
  if (dnsPort !== undefined && !(Number.isInteger(dnsPort) && dnsPort > 0 && dnsPort < 65536)) {
    throw new Error(`--dns-port ${options.dnsPort} is not a port number`);
  }
  const lab = await startLab(loadScenario(scenarioFile), dnsPort ? { dnsPort } : {});
  process.stdout.write(`${describeLab(lab)}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await lab.stop();
}
