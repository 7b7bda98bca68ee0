// `npm run serve`: the web shell on 127.0.0.1, printing the URL (with its token) to open.
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../core/service/data-dir';
import { createNodeCore } from '../core/service/node-core';
import { rendererDir } from './renderer-dir';
import { startWebShell } from './web-shell';

const USAGE = `usage: tracegraph-serve [--port N] [--data-dir DIR] [--resolver host:port]... [--proxy socks5://host:port]`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'data-dir': { type: 'string' },
      resolver: { type: 'string', multiple: true },
      proxy: { type: 'string' },
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
  const service = createNodeCore(values['data-dir'] ?? defaultDataDir(), {
    resolvers: values.resolver ?? [],
    proxy: values.proxy ?? null,
  });
  const shell = await startWebShell({ service, staticDir: rendererDir(), port });
  console.log(`Tracegraph web shell: ${shell.url}`);
  const stop = async () => {
    await service.shutdown();
    await shell.close();
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
