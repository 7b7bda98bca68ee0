// Frames between the orchestrator and a scanner worker process. Both directions are validated:
// a worker runs code that parses hostile data, so what it says is checked before it is used.
import * as z from 'zod';
import { EntityKey, JsonValue, Props } from '../../shared/model';
import { NetConfig, ScanEvent, ScanPolicyData } from '../../shared/scanner';

export const PROTOCOL_VERSION = 1;
/** The longest error or log text a frame may carry. */
export const MAX_TEXT = 4000;

export const HostToWorker = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    version: z.literal(PROTOCOL_VERSION),
    scannerId: z.string(),
    input: EntityKey.extend({ props: Props }),
    options: z.record(z.string(), JsonValue),
    net: NetConfig,
    policy: ScanPolicyData,
  }),
  z.object({ type: z.literal('cancel') }),
]);
export type HostToWorker = z.infer<typeof HostToWorker>;

export const WorkerToHost = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), version: z.number().int() }),
  z.object({ type: z.literal('event'), event: ScanEvent }),
  z.object({ type: z.literal('done') }),
  z.object({ type: z.literal('error'), message: z.string().max(MAX_TEXT) }),
  z.object({ type: z.literal('log'), level: z.enum(['debug', 'info', 'warn']), message: z.string().max(MAX_TEXT) }),
]);
export type WorkerToHost = z.infer<typeof WorkerToHost>;
