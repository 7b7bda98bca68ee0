// The application menu: cases are created and opened through native file dialogs.
import { type BrowserWindow, dialog, Menu } from 'electron';
import type { CoreService } from '../core/service/core-service';

async function guarded(window: BrowserWindow, action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (error) {
    await dialog.showMessageBox(window, {
      type: 'error',
      message: 'Tracegraph',
      detail: error instanceof Error ? error.message : String(error),
    });
  }
}

export function installMenu(service: CoreService, window: () => BrowserWindow | null): void {
  const withWindow = (action: (w: BrowserWindow) => Promise<unknown>) => () => {
    const w = window();
    if (w) void guarded(w, () => action(w));
  };
  const filters = [{ name: 'Tracegraph case', extensions: ['sqlite'] }];
  const template: Electron.MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        {
          label: 'New Case…',
          accelerator: 'CmdOrCtrl+N',
          click: withWindow(async (w) => {
            const { canceled, filePath } = await dialog.showSaveDialog(w, { title: 'New case', filters });
            if (canceled || !filePath) return;
            const name = filePath.replace(/^.*[\\/]/, '').replace(/\.sqlite$/, '');
            await service.call('case.create', {
              name,
              path: filePath.endsWith('.sqlite') ? filePath : `${filePath}.sqlite`,
            });
          }),
        },
        {
          label: 'Open Case…',
          accelerator: 'CmdOrCtrl+O',
          click: withWindow(async (w) => {
            const { canceled, filePaths } = await dialog.showOpenDialog(w, {
              title: 'Open case',
              filters,
              properties: ['openFile'],
            });
            const [path] = filePaths;
            if (!canceled && path) await service.call('case.open', { path });
          }),
        },
        {
          label: 'Save Case As…',
          accelerator: 'CmdOrCtrl+Shift+S',
          click: withWindow(async (w) => {
            const { canceled, filePath } = await dialog.showSaveDialog(w, {
              title: 'Save a copy of the case',
              filters,
            });
            if (canceled || !filePath) return;
            await service.call('case.saveAs', { path: filePath.endsWith('.sqlite') ? filePath : `${filePath}.sqlite` });
          }),
        },
        { label: 'Close Case', click: withWindow(() => service.call('case.close', {})) },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
