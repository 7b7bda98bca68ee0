// The lab's HTTP and HTTPS sites.
export { startWebLab, type WebLab } from './server';
