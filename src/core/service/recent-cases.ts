// The list of recently opened cases, kept in the data directory as JSON. A damaged list is
// replaced, never fatal: it only saves the analyst some typing.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod';
import { RecentCase } from '../../shared/model';

const MAX_RECENT = 20;
const RecentFile = z.array(RecentCase);

export class RecentCases {
  constructor(private readonly file: string) {}

  list(): RecentCase[] {
    try {
      const parsed = RecentFile.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      return parsed.success ? parsed.data : [];
    } catch {
      return [];
    }
  }

  remember(entry: RecentCase): void {
    const entries = [entry, ...this.list().filter((e) => e.path !== entry.path)].slice(0, MAX_RECENT);
    mkdirSync(dirname(this.file), { recursive: true });
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, JSON.stringify(entries, null, 2));
    renameSync(temp, this.file);
  }
}
