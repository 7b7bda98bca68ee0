// The port scanner: a TCP connect scan of each address of the target through ctx.net.dial, with
// bounded concurrency, then what each open port says first. The attempts are the evidence (one
// transcript per address); open ports become service nodes, products named with a version become
// technology nodes (as the tech scanner names them, so CVE lookups pivot on one node), risky
// services become findings, and each address gets its `ports` summary and grade score.

import { setMaxListeners } from 'node:events';
import { gradePropKey, scoreCategory } from '../../shared/grade';
import type { EntityKey, Props } from '../../shared/model';
import type { ScanContext, ScanEvent, ScanInput, Scanner } from '../../shared/scanner';
import { GraphBuilder } from '../kit/graph-builder';
import { identify, type Product } from './identify';
import { portsManifest } from './manifest';
import { readOptions } from './options';
import { pooled } from './pool';
import { portInfo } from './port-table';
import { type PortResult, type ProbeTarget, probePort } from './probe';
import { bracketed, type ScanTargets, scanTargets } from './targets';
import { transcript } from './transcript';
import { bannerLine, judgeAddress, portLabel } from './verdict';

const CATEGORY = 'network';
const RESOLVE_REF = 'ports:resolve';
/** Escaped banner characters kept on a service node; the transcript has it all. */
const MAX_BANNER_PROP = 1024;

/**
 * The run's signal as the probes see it: every connection in flight listens to it (the dial's
 * deadline, the banner wait), more than Node's default of 10 before it warns of a leak.
 */
function runSignal(parent: AbortSignal, concurrency: number): AbortSignal {
  const signal = AbortSignal.any([parent]);
  setMaxListeners(concurrency * 4 + 10, signal);
  return signal;
}

const transcriptRef = (address: string): string => `ports:${address}`;

function serviceValue(address: string, port: number): string {
  return `${bracketed(address)}:${port}/tcp`;
}

function productsOf(result: PortResult): Product[] {
  if (result.state !== 'open' || !result.banner) return [];
  return identify(result.banner, portInfo(result.port).probe);
}

function technologyProps(product: Product): Props {
  return {
    name: product.name,
    ...(product.version ? { version: product.version } : {}),
    category: product.categories[0] as string,
    categories: product.categories,
    ...(product.cpe ? { cpe: product.cpe } : {}),
  };
}

/** The nodes, relations, props, score and findings of one scanned address. */
function reportAddress(
  targets: ScanTargets,
  address: string,
  results: readonly PortResult[],
  graph: GraphBuilder,
): void {
  const ip: EntityKey = { type: 'ip', value: address };
  const refs = [transcriptRef(address)];
  const products = new Map(results.map((r) => [r.port, productsOf(r)]));
  const names = new Map(
    [...products].map(([port, list]) => [port, list.map((p) => (p.version ? `${p.name} ${p.version}` : p.name))]),
  );
  const namesProp = (port: number): Props => {
    const list = names.get(port) ?? [];
    return list.length > 0 ? { products: list } : {};
  };
  const verdict = judgeAddress(address, results, names);
  const open = verdict.open.map((r) => ({ port: r.port, service: portInfo(r.port).service, ...namesProp(r.port) }));
  const ipProps: Props = {
    ports: {
      open,
      closed: verdict.closed,
      filtered: verdict.filtered,
      errors: verdict.errors,
      scanned: results.length,
    },
  };
  // A host that answered nothing may be down: its ports are unknown, not safe.
  if (verdict.answered) ipProps[gradePropKey('ports')] = scoreCategory('ports', 'ports', verdict.losses);
  graph.entity(ip, refs, ipProps);
  if (targets.subject.type === 'domain') graph.relation(targets.subject, 'resolves_to', ip, [RESOLVE_REF]);
  for (const r of verdict.open) {
    const entry = portInfo(r.port);
    const service: EntityKey = { type: 'service', value: serviceValue(address, r.port) };
    const banner = bannerLine(r, MAX_BANNER_PROP);
    graph.entity(service, refs, {
      address,
      port: r.port,
      proto: 'tcp',
      service: entry.service,
      title: entry.title,
      state: 'open',
      risk: entry.risk,
      ...(banner ? { banner } : {}),
      ...namesProp(r.port),
    });
    graph.relation(ip, 'exposes_service', service, refs, { port: r.port, proto: 'tcp' });
    // Only a version makes a product worth a node: it is what a CVE lookup needs.
    for (const product of products.get(r.port) ?? []) {
      if (!product.version) continue;
      const tech: EntityKey = { type: 'technology', value: product.value };
      graph.entity(tech, refs, technologyProps(product));
      graph.relation(service, 'uses_technology', tech, refs, { matched: product.matched, port: r.port });
    }
  }
  for (const finding of verdict.findings) graph.finding({ about: ip, ...finding, evidence: refs });
}

async function* run(input: ScanInput, ctx: ScanContext): AsyncGenerator<ScanEvent> {
  const options = readOptions(ctx.options);
  const targets = await scanTargets(input, ctx);
  const tasks: ProbeTarget[] = targets.addresses.flatMap((address) =>
    options.ports.map((port) => ({ address, port, host: targets.subject.value, entry: portInfo(port) })),
  );
  yield {
    kind: 'progress',
    fraction: 0.05,
    message: `scanning ${options.ports.length} TCP ports on ${targets.addresses.join(', ')}`,
  };
  const results = new Map<string, PortResult[]>(targets.addresses.map((a) => [a, []]));
  let done = 0;
  let reported = 0.05;
  const signal = runSignal(ctx.signal, options.concurrency);
  for await (const result of pooled(tasks, options.concurrency, (t) => probePort(ctx.net, t, options, signal))) {
    results.get(result.address)?.push(result);
    done++;
    const fraction = 0.05 + (0.85 * done) / tasks.length;
    if (fraction - reported >= 0.05) {
      reported = fraction;
      yield { kind: 'progress', fraction, message: `${done} of ${tasks.length} ports` };
    }
  }
  const all = [...results.values()].flat();
  // Every connect failing for a reason other than the port's state (a broken proxy) is the run's failure.
  if (all.every((r) => r.state === 'error')) {
    throw new Error(`no port could be scanned on ${targets.subject.value}: ${all[0]?.reason ?? 'nothing to scan'}`);
  }

  if (targets.resolution !== undefined) {
    yield {
      kind: 'evidence',
      ref: RESOLVE_REF,
      mediaType: 'text/plain; charset=utf-8',
      source: `dns://${targets.subject.value}?type=A,AAAA`,
      encoding: 'utf8',
      content: `${targets.resolution}\n`,
    };
  }
  for (const [address, list] of results) {
    yield {
      kind: 'evidence',
      ref: transcriptRef(address),
      mediaType: 'text/plain; charset=utf-8',
      source: `tcp-connect://${bracketed(address)}`,
      encoding: 'utf8',
      content: transcript(address, list, options),
    };
  }
  const graph = new GraphBuilder(CATEGORY);
  for (const [address, list] of results) reportAddress(targets, address, list, graph);
  if (targets.skipped.length > 0) {
    graph.finding({
      about: targets.subject,
      severity: 'info',
      title: `${targets.skipped.length} more address${targets.skipped.length === 1 ? '' : 'es'} of ${targets.subject.value} not scanned`,
      detail: `Only the first ${targets.addresses.length} addresses were scanned; scan these on their own: ${targets.skipped.join(', ')}.`,
      evidence: [RESOLVE_REF],
    });
  }
  yield* graph.drain();
  const open = all
    .filter((r) => r.state === 'open')
    .sort((a, b) => a.port - b.port)
    .map((r) => portLabel(r.port));
  yield {
    kind: 'progress',
    fraction: 1,
    message: open.length > 0 ? `open: ${open.slice(0, 10).join(', ')}` : 'no open port',
  };
}

export const portsScanner: Scanner = { manifest: portsManifest, run };
