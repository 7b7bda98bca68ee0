// Renderer entry: pick the transport, feed backend events into the store, render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { chooseClient } from './api/choose';
import { bindEvents } from './api/events';
import { App } from './components/App';
import { ServicesProvider } from './store/context';
import { createAppStore } from './store/store';
import './styles.css';

const store = createAppStore();
const report = (message: string) => {
  console.warn(`[tracegraph] ${message}`);
  store.getState().report(message);
};
const { client, transport } = chooseClient(
  { tracegraph: (window as { tracegraph?: unknown }).tracegraph, location: window.location },
  report,
);
bindEvents(client, store);

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <ServicesProvider client={client} store={store}>
      <App transport={transport} />
    </ServicesProvider>
  </StrictMode>,
);
