// A service that could not be reached (nothing listens, it hangs up, it never answers) is a
// result about the target, not a failure of the scan: the attempts are kept as evidence and an
// info finding cites them.
import type { EntityKey } from '../../shared/model';
import type { ScanEvent } from '../../shared/scanner';
import type { GraphBuilder } from './graph-builder';

const ATTEMPTS_REF = 'unreachable-attempts';

/** Emits the attempts as evidence, then `graph` with the finding added; the run's work ends here. */
export function* reportUnreachable(
  graph: GraphBuilder,
  about: EntityKey,
  title: string,
  source: string,
  attempts: string,
): Generator<ScanEvent> {
  yield {
    kind: 'evidence',
    ref: ATTEMPTS_REF,
    mediaType: 'text/plain; charset=utf-8',
    source: source.slice(0, 2048),
    encoding: 'utf8',
    content: attempts,
  };
  graph.finding({ about, severity: 'info', title, detail: attempts.slice(0, 2000), evidence: [ATTEMPTS_REF] });
  yield* graph.drain();
  yield { kind: 'progress', fraction: 1, message: 'nothing answered' };
}
