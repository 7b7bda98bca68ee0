// The one place backend events enter the store, and where connection changes trigger a resync.
import { type ApiClient, type EventName, events } from '../../shared/api';
import { adoptCase, resync } from '../store/actions';
import type { AppStore } from '../store/store';
import type { ConnectionAware } from './validate';

export function bindEvents(client: ApiClient & Pick<ConnectionAware, 'onConnection'>, store: AppStore): () => void {
  const offs: (() => void)[] = [];
  for (const name of Object.keys(events) as EventName[]) {
    if (name === 'case.changed') continue;
    offs.push(client.on(name, (data) => store.getState().applyEvent(name, data)));
  }
  // A case switch made elsewhere (menu, another window) also needs the new case's graph.
  offs.push(client.on('case.changed', (info) => void adoptCase(client, store, info)));
  offs.push(
    client.onConnection((state) => {
      store.getState().setConnection(state);
      if (state === 'open') void resync(client, store);
    }),
  );
  return () => {
    for (const off of offs) off();
  };
}
