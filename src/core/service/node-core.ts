// The core service as the Node shells (web shell, CLI) run it: scanners in forked processes.
import { scanners } from '../../scanners/registry';
import { ForkLauncher } from '../scan/fork-launcher';
import { CoreService } from './core-service';
import { type NetSettings, netConfig } from './net-config';

export function createNodeCore(
  dataDir: string,
  net: NetSettings,
  lab?: { name: string; description: string },
): CoreService {
  return new CoreService({
    dataDir,
    launcher: new ForkLauncher(),
    net: netConfig(net),
    scanners: scanners.map((s) => s.manifest),
    ...(lab ? { lab } : {}),
  });
}
