// The only place that touches ipcMain: API calls from the app window (sender checked) go to
// the core service's validating dispatcher; core events go back to the window.
import { type BrowserWindow, ipcMain } from 'electron';
import type { CoreService } from '../core/service/core-service';
import type { EventFrame } from '../shared/api';
import { isAppUrl } from './window';

export const CALL_CHANNEL = 'tracegraph:call';
export const EVENT_CHANNEL = 'tracegraph:event';

export function wireIpc(service: CoreService, window: () => BrowserWindow | null): void {
  ipcMain.handle(CALL_CHANNEL, async (event, frame: unknown) => {
    const sender = event.senderFrame;
    if (!sender || !isAppUrl(sender.url) || event.sender !== window()?.webContents) {
      return { id: 0, ok: false, error: { code: 'invalid_request', message: 'unknown sender' } };
    }
    return service.dispatch(frame);
  });
  service.onEvent((name, data) => {
    const frame: EventFrame = { event: name, data };
    window()?.webContents.send(EVENT_CHANNEL, frame);
  });
}
