// Writes docs/lab-scenario.schema.json from the zod schema that validates scenarios, so editors
// can check scenario files as they are written. A unit test fails when the file is stale.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scenarioJsonSchema } from '../src/lab/scenario/json-schema';

const file = join(import.meta.dirname, '..', 'docs', 'lab-scenario.schema.json');
writeFileSync(file, scenarioJsonSchema());
console.log(`wrote ${file}`);
