// The queries of one DNSSEC run: each asked with DO set, its raw answer read with the shared DNS
// message reader, and kept as evidence (dig text and raw packet) to be yielded before it is cited.
import { parseMessage, type WireMessage } from '../../shared/dns/message';
import { DnsWireError } from '../../shared/dns/name';
import type { DnsRecordType, DnsResponse, ScanContext, ScanEvent } from '../../shared/scanner';
import { dnsEvidence, type Refs } from '../dns/evidence';
import { errorText } from '../dns/queries';

export type Asked =
  | { ok: true; name: string; type: DnsRecordType; response: DnsResponse; message: WireMessage; refs: string[] }
  | { ok: false; name: string; type: DnsRecordType; error: string; refs: string[] };

export class Session {
  /** Every evidence ref made so far, for the verdict to cite. */
  readonly allRefs: string[] = [];
  private pending: ScanEvent[] = [];

  constructor(
    private readonly ctx: ScanContext,
    private readonly refs: Refs,
  ) {}

  async ask(name: string, type: DnsRecordType): Promise<Asked> {
    let response: DnsResponse;
    try {
      response = await this.ctx.net.resolver.query(name, type, this.ctx.signal, undefined, { dnssec: true });
    } catch (error) {
      this.ctx.signal.throwIfAborted();
      return { ok: false, name, type, error: errorText(error), refs: [] };
    }
    const evidence = dnsEvidence({ name, type }, response, this.refs);
    this.pending.push(...evidence.events);
    this.allRefs.push(...evidence.refs);
    const refs = [...evidence.refs];
    if (response.rcode !== 'NOERROR' && response.rcode !== 'NXDOMAIN') {
      return { ok: false, name, type, error: `the resolver answered ${response.rcode}`, refs };
    }
    try {
      return { ok: true, name, type, response, message: parseMessage(response.raw), refs };
    } catch (error) {
      if (!(error instanceof DnsWireError)) throw error;
      return { ok: false, name, type, error: `the answer could not be read (${error.message})`, refs };
    }
  }

  /** Evidence collected since the last call. */
  flush(): ScanEvent[] {
    const events = this.pending;
    this.pending = [];
    return events;
  }
}
