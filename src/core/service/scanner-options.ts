// Checks the options a client sends for a scanner against its manifest and fills in defaults.
import { ApiError } from '../../shared/api';
import type { JsonValue } from '../../shared/model';
import type { ScannerManifest, ScannerOption } from '../../shared/scanner';

function fits(option: ScannerOption, value: unknown): value is JsonValue {
  switch (option.type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
  }
}

export function resolveOptions(manifest: ScannerManifest, given: Record<string, unknown>): Record<string, JsonValue> {
  const resolved: Record<string, JsonValue> = {};
  for (const option of manifest.options) resolved[option.key] = option.default;
  for (const [key, value] of Object.entries(given)) {
    const option = manifest.options.find((o) => o.key === key);
    if (!option)
      throw new ApiError('invalid_request', `${manifest.id} has no option "${key}"`, `params.options.${key}`);
    if (!fits(option, value)) {
      throw new ApiError(
        'invalid_request',
        `option "${key}" of ${manifest.id} must be a ${option.type}`,
        `params.options.${key}`,
      );
    }
    resolved[key] = value;
  }
  return resolved;
}
