// The two lab scenarios the web scanners' tests run against, started once per test file.
import { afterAll, beforeAll } from 'vitest';
import type { Lab } from '../../../src/lab/lab';
import type { Net } from '../../../src/shared/scanner';
import { startLabNet } from '../../helpers/scanner-harness';

/** Starts nova-parcels and hostile before the file's tests and stops them after; their Nets. */
export function labsForFile(): { nova: () => Net; hostile: () => Net } {
  const labs: Lab[] = [];
  const nets = new Map<string, Net>();
  beforeAll(async () => {
    for (const name of ['nova-parcels', 'hostile']) {
      const { lab, net } = await startLabNet(name);
      labs.push(lab);
      nets.set(name, net);
    }
  });
  afterAll(async () => {
    await Promise.all(labs.map((lab) => lab.stop()));
  });
  const get = (name: string) => (): Net => {
    const net = nets.get(name);
    if (!net) throw new Error(`the ${name} lab did not start`);
    return net;
  };
  return { nova: get('nova-parcels'), hostile: get('hostile') };
}
