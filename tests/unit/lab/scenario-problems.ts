// What parseScenario says about a scenario: its problem lines, or none when it is valid.
import { parseScenario, ScenarioError } from '../../../src/lab/scenario/load';

export function problemsOf(data: unknown): string[] {
  try {
    parseScenario(data, 'test.json');
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems;
    throw error;
  }
  return [];
}
