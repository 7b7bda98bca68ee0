// Exposes the typed API to the renderer and nothing else: two functions over two channels.
// call() resolves to the response frame ({ok, result} or {ok: false, error}); the renderer
// validates and unwraps it, since codes on rejected errors do not survive contextBridge.
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';

let nextId = 1;

contextBridge.exposeInMainWorld('tracegraph', {
  call: (method: string, params: unknown): Promise<unknown> =>
    ipcRenderer.invoke('tracegraph:call', { id: nextId++, method, params }),
  on: (event: string, listener: (data: unknown) => void): (() => void) => {
    const handler = (_event: IpcRendererEvent, frame: unknown) => {
      if (typeof frame === 'object' && frame !== null && 'event' in frame && frame.event === event && 'data' in frame) {
        listener(frame.data);
      }
    };
    ipcRenderer.on('tracegraph:event', handler);
    return () => {
      ipcRenderer.removeListener('tracegraph:event', handler);
    };
  },
});
