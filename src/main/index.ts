// Electron main: thin. It starts the core service (scanners in utility processes), opens the
// window, wires IPC and the menu. Everything else lives in src/core.
import { join } from 'node:path';
import { app, type BrowserWindow } from 'electron';
import { WARM_SPARES, WarmLauncher } from '../core/scan/warm-launcher';
import { CoreService } from '../core/service/core-service';
import { netConfig } from '../core/service/net-config';
import { builtinScenario, DEMO_SCENARIO } from '../lab/builtin';
import { startLab } from '../lab/lab';
import { loadScenario } from '../lab/scenario/load';
import { manifests } from '../scanners/registry';
import { wireIpc } from './ipc';
import { installMenu } from './menu';
import { electronSqliteBinding } from './native-binding';
import { UtilityLauncher } from './utility-launcher';
import { createMainWindow, installSessionPolicy } from './window';

app.enableSandbox();
let mainWindow: BrowserWindow | null = null;

if (!app.requestSingleInstanceLock()) app.quit();

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

app.whenReady().then(async () => {
  const nativeBinding = electronSqliteBinding();
  // `npm run demo` opens the app on the lab: a simulated internet, said so in the window.
  const lab = process.argv.includes('--demo')
    ? await startLab(loadScenario(builtinScenario(DEMO_SCENARIO)))
    : undefined;
  const service = new CoreService({
    dataDir: join(app.getPath('userData'), 'data'),
    launcher: new WarmLauncher(new UtilityLauncher(), WARM_SPARES),
    net: netConfig(lab ? lab.net : { proxy: process.env.TRACEGRAPH_PROXY ?? null }),
    scanners: manifests,
    ...(nativeBinding ? { nativeBinding } : {}),
    ...(lab ? { lab: { name: lab.scenario.name, description: lab.scenario.description } } : {}),
  });
  installSessionPolicy();
  mainWindow = createMainWindow();
  wireIpc(service, () => mainWindow);
  installMenu(service, () => mainWindow);
  app.on('second-instance', () => mainWindow?.focus());
  app.on('window-all-closed', () => {
    void service
      .shutdown()
      .then(() => lab?.stop())
      .finally(() => app.quit());
  });
});
