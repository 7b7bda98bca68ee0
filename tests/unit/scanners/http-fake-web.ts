// A Net for web scanner unit tests: HTTP answers from a table of URLs (anything else is refused),
// TLS dials that negotiate a chosen ALPN protocol, names resolving to a public address unless
// listed otherwise, and a record of every URL requested.
import type { HttpResponse, Net } from '../../../src/shared/scanner';
import { fakeNet } from '../../helpers/scanner-harness';

/** What every name resolves to unless `addresses` says otherwise: a public address, so the scan policy allows it. */
export const PUBLIC_ADDRESS = '93.184.216.34';

export interface FakeAnswer {
  status: number;
  headers?: [string, string][];
  body?: string;
}

export interface FakeWeb {
  net: Net;
  requested: string[];
  dialed: { host: string; alpn: string[] }[];
}

export function fakeWeb(
  site: Record<string, FakeAnswer>,
  alpn: string | null = 'http/1.1',
  addresses: Record<string, string> = {},
): FakeWeb {
  const requested: string[] = [];
  const dialed: FakeWeb['dialed'] = [];
  const net: Net = {
    ...fakeNet((name, type) => ({
      answers: type === 'A' ? [{ name, type, ttl: 60, data: addresses[name] ?? PUBLIC_ADDRESS }] : [],
    })),
    async dialTls(options) {
      dialed.push({ host: options.host, alpn: options.alpn ?? [] });
      return {
        write: async () => {},
        read: async () => null,
        close: () => {},
        remote: options.host,
        peerCertificatesDer: () => [],
        alpn: () => alpn,
      };
    },
    async http(request): Promise<HttpResponse> {
      requested.push(request.url);
      const answer = site[request.url];
      if (!answer) throw new Error(`HTTP GET ${request.url}: connection refused`);
      return {
        url: request.url,
        status: answer.status,
        statusText: '',
        headers: answer.headers ?? [],
        body: new TextEncoder().encode(answer.body ?? ''),
        bodyTruncated: false,
      };
    },
  };
  return { net, requested, dialed };
}
