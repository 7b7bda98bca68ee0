import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { ScanEvent } from '../../../src/shared/scanner';

/** A fresh temporary folder per test, removed afterwards. */
export function makeTempDirs(): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-store-'));
    dirs.push(dir);
    return dir;
  };
}

export const ev = {
  evidence(ref: string, content: string, encoding: 'utf8' | 'base64' = 'utf8', mediaType = 'text/plain'): ScanEvent {
    return { kind: 'evidence', ref, mediaType, source: `test:${ref}`, encoding, content };
  },
  domain(value: string, props?: Record<string, string | number>, evidence?: string[]): ScanEvent {
    return { kind: 'entity', entity: { type: 'domain', value }, props, evidence };
  },
  ip(value: string, props?: Record<string, string | number>, evidence?: string[]): ScanEvent {
    return { kind: 'entity', entity: { type: 'ip', value }, props, evidence };
  },
  resolves(domain: string, ip: string, evidence?: string[]): ScanEvent {
    return {
      kind: 'relation',
      from: { type: 'domain', value: domain },
      relation: 'resolves_to',
      to: { type: 'ip', value: ip },
      evidence,
    };
  },
};
