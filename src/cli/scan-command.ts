// `tracegraph scan <target>`: runs scanners on one target in a case (a temporary one unless
// --case names a file) and prints what they found. Progress goes to stderr on a terminal.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { CoreService } from '../core/service/core-service';
import type { NetSettings } from '../core/service/net-config';
import { createNodeCore } from '../core/service/node-core';
import { ApiError } from '../shared/api';
import type { Run } from '../shared/model';
import { parseTarget } from '../shared/target';
import { type ScanReport, safeText, toCsv, toJson, toText } from './format';
import { withLab } from './lab-command';

export interface ScanCommandOptions {
  modules?: string;
  json?: boolean;
  csv?: boolean;
  case?: string;
  resolver?: string[];
  proxy?: string;
  allowInternal?: boolean;
  passiveOnly?: boolean;
  dataDir?: string;
  lab?: string;
}

export class UsageError extends Error {}

function progressLine(run: Run): string {
  const pct = `${Math.round(run.progress * 100)}%`.padStart(4);
  return `[${run.scannerId}] ${pct} ${safeText(run.target.value)} ${safeText(run.message)}`.slice(0, 100);
}

export async function scanCommand(targetText: string, options: ScanCommandOptions): Promise<number> {
  if (options.json && options.csv) throw new UsageError('choose one of --json and --csv');
  if (options.lab && (options.resolver || options.proxy))
    throw new UsageError('--lab brings its own resolver; drop --resolver and --proxy');
  const parsed = parseTarget(targetText);
  if (!parsed.ok) throw new UsageError(parsed.error);
  if (options.lab) {
    return withLab(options.lab, (lab) =>
      runScan(targetText, options, lab.net, { name: lab.scenario.name, description: lab.scenario.description }),
    );
  }
  return runScan(targetText, options, { resolvers: options.resolver ?? [], proxy: options.proxy ?? null });
}

async function runScan(
  targetText: string,
  options: ScanCommandOptions,
  net: NetSettings,
  lab?: { name: string; description: string },
): Promise<number> {
  const parsed = parseTarget(targetText);
  if (!parsed.ok) throw new UsageError(parsed.error);
  const temp = options.case ? null : mkdtempSync(join(tmpdir(), 'tracegraph-cli-'));
  const service = createNodeCore(options.dataDir ?? temp ?? mkdtempSync(join(tmpdir(), 'tracegraph-cli-')), net, lab);
  const tty = process.stderr.isTTY === true;
  const stopListening = service.onEvent((event, data) => {
    if (!tty || !event.startsWith('run.') || data === null || !('scannerId' in data)) return;
    process.stderr.write(`\r\x1b[2K${progressLine(data)}`);
  });
  try {
    const casePath = options.case ?? join(temp ?? tmpdir(), 'scan.sqlite');
    if (existsSync(casePath)) await service.call('case.open', { path: casePath });
    else await service.call('case.create', { name: parsed.target.key.value, path: casePath });
    if (options.allowInternal) await service.call('case.updateSettings', { allowPrivateTargets: true });
    if (options.passiveOnly) await service.call('case.updateSettings', { passiveOnly: true });
    if (parsed.target.homograph) process.stderr.write(`warning: ${parsed.target.homograph}\n`);
    const targetEntityId = options.modules
      ? await startModules(service, targetText, options.modules)
      : await startFullScan(service, targetText);
    await service.idle();
    if (tty) process.stderr.write('\r\x1b[2K');
    const report: ScanReport = {
      target: parsed.target.key.value,
      case: options.case ? casePath : null,
      runs: await service.call('runs.list', {}),
      ...(await service.call('graph.get', {})),
      findings: await service.call('findings.list', {}),
      assessment: await service.call('assessment.get', { entityId: targetEntityId }),
    };
    process.stdout.write(options.json ? toJson(report) : options.csv ? toCsv(report) : toText(report));
    for (const run of report.runs.filter((r) => r.status === 'failed')) {
      process.stderr.write(`tracegraph: ${run.scannerId} failed: ${safeText(run.error ?? 'unknown error')}\n`);
    }
    return report.runs.every((r) => r.status === 'finished') ? 0 : 1;
  } catch (error) {
    if (error instanceof ApiError && error.code === 'out_of_scope') throw new UsageError(error.message);
    if (error instanceof ApiError && (error.code === 'invalid_target' || error.code === 'target_refused')) {
      throw new UsageError(
        error.code === 'target_refused' ? `${error.message} (pass --allow-internal)` : error.message,
      );
    }
    if (error instanceof ApiError) throw new Error(`${basename(options.case ?? 'case')}: ${error.message}`);
    throw error;
  } finally {
    stopListening();
    await service.shutdown();
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
}

/** Runs the named modules on the target; returns the target's entity id. */
async function startModules(service: CoreService, targetText: string, modules: string): Promise<number> {
  const available = await service.call('scanners.list', {});
  const wanted = modules
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  if (wanted.length === 0) throw new UsageError('--modules names no module');
  for (const id of wanted) {
    if (!available.some((s) => s.id === id)) {
      throw new UsageError(`unknown module "${id}"; available: ${available.map((s) => s.id).join(', ')}`);
    }
  }
  let targetEntityId = 0;
  for (const scannerId of wanted) {
    const [run] = await service.call('scan.start', { scannerId, target: { text: targetText } });
    targetEntityId = run?.targetEntityId ?? targetEntityId;
  }
  return targetEntityId;
}

/** A Full Scan of the target; says on stderr which modules the scope kept out. */
async function startFullScan(service: CoreService, targetText: string): Promise<number> {
  const started = await service.call('scan.full', { target: { text: targetText } });
  for (const skip of started.skipped) {
    process.stderr.write(`tracegraph: ${skip.scannerId} skipped: ${safeText(skip.reason)}\n`);
  }
  if (started.runs.length === 0 && started.phase2.length === 0) {
    throw new UsageError('no module can run on this target (see the skipped modules above)');
  }
  return started.targetEntityId;
}
