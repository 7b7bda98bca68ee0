// The run's options, read from what the core filled in from the manifest. Numbers are clamped to
// sane bounds; a port list that does not parse fails the run with every problem named.
import type { JsonValue } from '../../shared/model';
import { parsePortSpec } from './port-spec';
import type { ProbeTiming } from './probe';

export interface PortsOptions extends ProbeTiming {
  ports: number[];
  concurrency: number;
}

function bounded(value: JsonValue | undefined, fallback: number, min: number, max: number): number {
  return typeof value === 'number' && Number.isFinite(value)
    ? Math.min(max, Math.max(min, Math.floor(value)))
    : fallback;
}

export function readOptions(raw: Record<string, JsonValue>): PortsOptions {
  const spec = raw.ports ?? '';
  if (typeof spec !== 'string') throw new Error('the ports option is a string such as "22,80,8000-8100"');
  const parsed = parsePortSpec(spec);
  if (!parsed.ok) throw new Error(`the ports option is invalid: ${parsed.errors.slice(0, 10).join('; ')}`);
  return {
    ports: parsed.ports,
    concurrency: bounded(raw.concurrency, 32, 1, 256),
    connectTimeoutMs: bounded(raw.connectTimeoutMs, 1500, 100, 30_000),
    bannerTimeoutMs: bounded(raw.bannerTimeoutMs, 2000, 0, 10_000),
  };
}
