// The network settings shells hand to scanners: API keys from the environment reach ctx.net by
// service name, and nothing else of the environment does.
import { describe, expect, it } from 'vitest';
import { createNet } from '../../../src/core/net';
import { apiKeysFromEnv, netConfig } from '../../../src/core/service/net-config';

describe('API keys', () => {
  it('reads TRACEGRAPH_<SERVICE>_API_KEY by service name, trimmed, and nothing else', () => {
    expect(
      apiKeysFromEnv({
        TRACEGRAPH_NVD_API_KEY: ' 0a1b-2c3d ',
        TRACEGRAPH_SHODAN_API_KEY: 'k2',
        TRACEGRAPH_EMPTY_API_KEY: '  ',
        NVD_API_KEY: 'not ours',
        TRACEGRAPH_PROXY: 'socks5://127.0.0.1:9050',
      }),
    ).toEqual({ nvd: '0a1b-2c3d', shodan: 'k2' });
  });

  it('hands the configured key to scanners through ctx.net, and none where none is set', () => {
    const net = createNet(netConfig({ resolvers: ['127.0.0.1:53'], apiKeys: { nvd: 'abc' } }));
    expect(net.apiKey('nvd')).toBe('abc');
    expect(net.apiKey('shodan')).toBeUndefined();
    expect(createNet(netConfig({ resolvers: ['127.0.0.1:53'], apiKeys: {} })).apiKey('nvd')).toBeUndefined();
  });
});
