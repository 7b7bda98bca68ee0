// The core service as the Node shells (web shell, CLI) run it: scanners in forked processes.
import { manifests } from '../../scanners/registry';
import { ForkLauncher } from '../scan/fork-launcher';
import { WARM_SPARES, WarmLauncher } from '../scan/warm-launcher';
import { CoreService } from './core-service';
import { type NetSettings, netConfig } from './net-config';

export function createNodeCore(
  dataDir: string,
  net: NetSettings,
  lab?: { name: string; description: string },
): CoreService {
  return new CoreService({
    dataDir,
    launcher: new WarmLauncher(new ForkLauncher(), WARM_SPARES),
    net: netConfig(net),
    scanners: manifests,
    ...(lab ? { lab } : {}),
  });
}
