// The command-line entry: `tracegraph <command>`.
import { Command, InvalidArgumentError } from 'commander';
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
  .option('--modules <ids>', 'comma-separated scanner ids (default: every scanner that accepts the target)')
  .option('--json', 'print JSON')
  .option('--csv', 'print CSV')
  .option('--case <file.sqlite>', 'save into this case file (created if missing)')
  .option('--resolver <host:port>', 'DNS server to ask (repeatable; default: the system resolvers)', collect)
  .option('--proxy <socks5://host:port>', 'send every connection, DNS included, through a SOCKS5 proxy')
  .option('--allow-internal', 'allow private, loopback and link-local targets in this case')
  .option('--data-dir <dir>', 'where recent cases are remembered')
  .action(async (target: string, options) => {
    process.exitCode = await scanCommand(target, options);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`tracegraph: ${message}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
