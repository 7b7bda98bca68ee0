// The command-line entry: `tracegraph <command>`.
import { Command, InvalidArgumentError } from 'commander';
import { loadScenario, ScenarioError } from '../lab/scenario/load';
import { labServeCommand } from './lab-command';
import { scanCommand, UsageError } from './scan-command';

function collect(value: string, previous: string[] = []): string[] {
  if (value.trim() === '') throw new InvalidArgumentError('empty value');
  return [...previous, value];
}

const program = new Command()
  .name('tracegraph')
  .description('Infrastructure investigation workbench: scans, pivots and cases from the command line')
  .showHelpAfterError();

program
  .command('scan')
  .description('scan a domain, IP or email address and print what was found')
  .argument('<target>', 'domain, IP address or email address')
  .option('--modules <ids>', 'comma-separated scanner ids to run instead of a Full Scan')
  .option('--passive-only', 'lock the case to passive modules: nothing touches the target')
  .option('--json', 'print JSON')
  .option('--csv', 'print CSV')
  .option('--case <file.sqlite>', 'save into this case file (created if missing)')
  .option('--resolver <host:port>', 'DNS server to ask (repeatable; default: the system resolvers)', collect)
  .option('--proxy <socks5://host:port>', 'send every connection, DNS included, through a SOCKS5 proxy')
  .option('--allow-internal', 'allow private, loopback and link-local targets in this case')
  .option('--data-dir <dir>', 'where recent cases are remembered')
  .option('--lab <scenario.json>', 'scan a lab started for this scenario (a simulated internet on loopback)')
  .action(async (target: string, options) => {
    process.exitCode = await scanCommand(target, options);
  });

const lab = program.command('lab').description('the lab: a simulated internet on loopback, from a scenario file');
lab
  .command('serve')
  .description('start the lab for a scenario and print what listens where (Ctrl-C stops it)')
  .argument('<scenario.json>', 'scenario file (see docs/LAB.md)')
  .option('--dns-port <port>', 'serve DNS on this port (default: a free one)')
  .action(async (file: string, options: { dnsPort?: string }) => {
    await labServeCommand(file, options);
  });
lab
  .command('check')
  .description('validate a scenario file and list its problems')
  .argument('<scenario.json>', 'scenario file')
  .action((file: string) => {
    const scenario = loadScenario(file);
    process.stdout.write(`${file}: valid scenario "${scenario.name}"\n`);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`tracegraph: ${message}\n`);
  process.exitCode = error instanceof UsageError || error instanceof ScenarioError ? 2 : 1;
});
