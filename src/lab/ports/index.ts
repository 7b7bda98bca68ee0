// The scenario hosts' open, closed and filtered ports.
export { type PortLab, startPortListeners } from './listeners';
