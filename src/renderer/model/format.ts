// Text formatting for the panels: times, sizes and property values, all as plain strings.
import type { JsonValue } from '../../shared/model';

/** "2024-11-05 14:03:22 UTC": one zone everywhere, so times from different runs compare at a glance. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KiB`;
  return `${(size / (1024 * 1024)).toFixed(1)} MiB`;
}

/** Strings as they are; anything else as indented JSON text. */
export function formatValue(value: JsonValue): { text: string; multiline: boolean } {
  if (typeof value === 'string') return { text: value, multiline: value.includes('\n') };
  if (value === null || typeof value !== 'object') return { text: String(value), multiline: false };
  const text = JSON.stringify(value, null, 2);
  return { text, multiline: text.includes('\n') };
}

export function percent(fraction: number): number {
  if (!Number.isFinite(fraction)) return 0;
  return Math.round(Math.min(1, Math.max(0, fraction)) * 100);
}
