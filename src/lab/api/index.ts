// The lab's third-party API server (crt.sh, Cert Spotter, RDAP, Wayback CDX, NVD, Spamhaus DROP).
export { type CdxQuery, CdxQueryError, parseCdxQuery, searchCdx, surtKey } from './cdx';
export { certspotterIssuances, crtshMatcher, crtshRows, indexCt } from './ct';
export { DROP_FILES, dropFile } from './drop';
export { cpeMatches, nvdResponse, parseCpe, parseNvdQuery, severityOf } from './nvd';
export { API_SERVICES, type ApiData, type ApiReply, type ApiServer, createApiHandler, startApiServer } from './server';
