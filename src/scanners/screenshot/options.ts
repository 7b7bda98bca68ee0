// Reads the scanner's options into checked values: numbers within their bounds, the rest refused
// with a message naming the option.
import type { JsonValue } from '../../shared/model';

export interface ShotOptions {
  chromiumPath: string;
  width: number;
  height: number;
  maxHeight: number;
  timeoutMs: number;
  sandbox: boolean;
  /** Off when the sandbox was asked for but cannot be had (Chromium refuses it to root). */
  javaScript: boolean;
}

const BOUNDS = {
  width: [320, 3840, 1280],
  height: [240, 4320, 800],
  maxHeight: [240, 30_000, 10_000],
  timeoutMs: [1000, 90_000, 20_000],
} as const;

function bounded(options: Record<string, JsonValue>, key: keyof typeof BOUNDS): number {
  const [min, max, fallback] = BOUNDS[key];
  const value = options[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new Error(`option ${key} must be a whole number from ${min} to ${max}; got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * @param asRoot whether this process runs as root, where Chromium cannot sandbox: the page is
 * then rendered unsandboxed but with its scripts off, unless the sandbox option was turned off.
 */
export function parseOptions(options: Record<string, JsonValue>, asRoot: boolean): ShotOptions {
  const { chromiumPath = '', sandbox = true } = options;
  if (typeof chromiumPath !== 'string') throw new Error('option chromiumPath must be a path');
  if (typeof sandbox !== 'boolean') throw new Error('option sandbox must be true or false');
  return {
    chromiumPath,
    width: bounded(options, 'width'),
    height: bounded(options, 'height'),
    maxHeight: bounded(options, 'maxHeight'),
    timeoutMs: bounded(options, 'timeoutMs'),
    sandbox: sandbox && !asRoot,
    javaScript: !(sandbox && asRoot),
  };
}
