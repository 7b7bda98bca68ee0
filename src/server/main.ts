// `npm run serve`: the web shell on 127.0.0.1, printing the URL (with its token) to open.
// `--lab <scenario.json>` or `--demo` point it at the lab instead of the real internet.
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../core/service/data-dir';
import type { NetSettings } from '../core/service/net-config';
import { createNodeCore } from '../core/service/node-core';
import { builtinScenario, DEMO_SCENARIO } from '../lab/builtin';
import { type Lab, startLab } from '../lab/lab';
import { loadScenario } from '../lab/scenario/load';
import { rendererDir } from './renderer-dir';
import { startWebShell } from './web-shell';

const USAGE =
  'usage: tracegraph-serve [--port N] [--data-dir DIR] [--resolver host:port]... [--proxy socks5://host:port] [--lab scenario.json | --demo] [--open]';

function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(command, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => console.log('(could not open a browser: open the URL above yourself)'));
  child.unref();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'data-dir': { type: 'string' },
      resolver: { type: 'string', multiple: true },
      proxy: { type: 'string' },
      lab: { type: 'string' },
      demo: { type: 'boolean' },
      open: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port ${values.port} is not a port number`);
  const scenarioFile = values.demo ? builtinScenario(DEMO_SCENARIO) : values.lab;
  if (scenarioFile && (values.resolver || values.proxy)) throw new Error('--lab and --demo bring their own resolver');
  const lab: Lab | undefined = scenarioFile ? await startLab(loadScenario(scenarioFile)) : undefined;
  const net: NetSettings = lab ? lab.net : { resolvers: values.resolver ?? [], proxy: values.proxy ?? null };
  const service = createNodeCore(
    values['data-dir'] ?? defaultDataDir(),
    net,
    lab ? { name: lab.scenario.name, description: lab.scenario.description } : undefined,
  );
  const shell = await startWebShell({ service, staticDir: rendererDir(), port });
  if (lab) console.log(`Lab "${lab.scenario.name}": a simulated internet on loopback; scans never leave this machine.`);
  console.log(`Tracegraph web shell: ${shell.url}`);
  if (values.open) openBrowser(shell.url);
  const stop = async () => {
    await service.shutdown();
    await shell.close();
    await lab?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(`tracegraph: ${error instanceof Error ? error.message : String(error)}`);
  console.error(USAGE);
  process.exit(1);
});
