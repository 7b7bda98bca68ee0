// The scenario file's JSON Schema, derived from the zod schema (one source of truth).
import * as z from 'zod';
import { Scenario } from './schema';

export function scenarioJsonSchema(): string {
  const schema = z.toJSONSchema(Scenario, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'Tracegraph lab scenario' }, null, 2)}\n`;
}
