// React access to the one client and the one store.
import { createContext, type ReactNode, useContext, useMemo } from 'react';
import { useStore } from 'zustand';
import type { ApiClient } from '../../shared/api';
import type { AppState, AppStore } from './store';

interface Services {
  client: ApiClient;
  store: AppStore;
}

const ServicesContext = createContext<Services | null>(null);

export function ServicesProvider({ client, store, children }: Services & { children: ReactNode }) {
  const value = useMemo(() => ({ client, store }), [client, store]);
  return <ServicesContext.Provider value={value}>{children}</ServicesContext.Provider>;
}

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('ServicesProvider is missing');
  return services;
}

/** A slice of the store; re-renders when the selected value changes (by identity). */
export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(useServices().store, selector);
}
