// DNS over UDP through shared sockets. A socket created, connected and closed for every query
// cost most of the resolver's time; instead each destination has one connected socket that all
// its in-flight queries share, told apart by query id and question, with one timer for all
// their deadlines.
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { DnsRecordType, DnsResponse } from '../../shared/scanner';
import type { HostPort } from './address';
import { abortReason, describeSocketError, TimeoutError } from './deadline';
import { type BuiltQuery, buildQuery, checkResponse, randomQueryId } from './dns-wire';

export interface UdpPoolOptions {
  /** Per query: how long to wait for the packet that answers it. */
  timeoutMs: number;
  /**
   * New queries move to a fresh socket (a fresh random source port) after this many, so an
   * off-path spoofer still has to guess the port as well as the id.
   */
  queriesPerSocket?: number;
  /**
   * More queries in flight than this to one destination open another socket: ids stay sparse, and
   * a burst of answers fits the socket's receive buffer.
   */
  maxInFlightPerSocket?: number;
  /** A socket with nothing in flight for this long is closed. */
  idleMs?: number;
}

const RECV_BUFFER = 1 << 20;

interface Pending {
  readonly query: BuiltQuery;
  /** How the server is named in the answer and in errors (the route may have changed the address). */
  readonly name: string;
  readonly startedAt: number;
  readonly expires: number;
  readonly channel: Channel;
  readonly resolve: (response: DnsResponse) => void;
  readonly reject: (error: Error) => void;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  /** The last packet that carried this query's id but did not answer it. */
  ignored: string | undefined;
  done: boolean;
}

/** One connected UDP socket and the queries waiting on it. */
class Channel {
  readonly pending = new Map<number, Pending>();
  /** Queries assigned to this socket so far (for rotation). */
  assigned = 0;
  retired = false;
  closed = false;
  private connected = false;
  private flushing = false;
  /** Queries waiting to be sent: until connect() completes, then until the next flush. */
  private backlog: Pending[] = [];
  /** A packet matching no query, for the timeout message of queries waiting when it came. */
  private lastIgnored: { reason: string; at: number } | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private idleSince = 0;
  private readonly socket: Socket;

  constructor(
    private readonly pool: UdpPool,
    readonly key: string,
    target: HostPort,
  ) {
    this.socket = createSocket(isIP(target.host) === 6 ? 'udp6' : 'udp4');
    // An idle socket must never keep the process alive; in-flight queries do, through their timer.
    this.socket.unref();
    this.socket.on('message', (message: Buffer) => this.onMessage(message));
    // A connected UDP socket reports the ICMP port unreachable as ECONNREFUSED.
    this.socket.on('error', (error) => this.fail(error));
    // Connected, the kernel drops datagrams from any other address and port before we see them.
    try {
      this.socket.connect(target.port, target.host, (error?: Error) => this.onConnect(error));
    } catch (error) {
      this.socket.close();
      throw error;
    }
  }

  private onConnect(error: Error | undefined): void {
    if (error) {
      this.fail(error);
      return;
    }
    this.connected = true;
    try {
      // One socket takes the answers of many queries at once: room for a burst of them, where
      // Linux's default fits about 250 small packets. Best effort: the system may refuse or cap it.
      this.socket.setRecvBufferSize(RECV_BUFFER);
    } catch {
      // the default will do
    }
    this.flush();
  }

  /** A random id no query in flight on this socket uses. */
  freeId(): number {
    for (;;) {
      const id = randomQueryId();
      if (!this.pending.has(id)) return id;
    }
  }

  send(pending: Pending): void {
    this.pending.set(pending.query.id, pending);
    this.assigned += 1;
    this.backlog.push(pending);
    // Sent once per turn of the event loop, after the answers that arrived together are handled:
    // queries then leave in bursts rather than one per answer, which spares both ends a wake-up
    // (and a context switch) per packet when the machine is busy.
    if (this.connected && !this.flushing) {
      this.flushing = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushing = false;
    if (this.closed) return;
    const backlog = this.backlog;
    this.backlog = [];
    for (const pending of backlog) if (!pending.done) this.transmit(pending);
  }

  private transmit(pending: Pending): void {
    try {
      this.socket.send(pending.query.bytes, (error) => {
        if (error) this.sendFailed(pending, error);
      });
    } catch (error) {
      this.sendFailed(pending, error instanceof Error ? error : new Error(String(error)));
    }
  }

  private sendFailed(pending: Pending, error: Error): void {
    // A refusal is about the destination, so it answers every query waiting on this socket.
    if ((error as { code?: unknown }).code === 'ECONNREFUSED') this.fail(error);
    else this.pool.settle(pending, new Error(`${pending.name} ${describeSocketError(error)}`));
  }

  private onMessage(message: Buffer): void {
    if (message.length < 12) {
      this.lastIgnored = { reason: `a ${message.length}-byte packet (too short)`, at: performance.now() };
      return;
    }
    const pending = this.pending.get(message.readUInt16BE(0));
    if (pending === undefined) {
      // Late (its query timed out), spoofed, or garbage: ignored, as a per-query socket would.
      this.lastIgnored = { reason: 'a response with another query id', at: performance.now() };
      return;
    }
    // Node gives each datagram a buffer of its own, so the response may keep it without a copy.
    const check = checkResponse(message, pending.query, pending.name, true);
    if (check.ok) this.pool.settle(pending, check.response);
    else pending.ignored = check.reason;
  }

  /** Why a query that timed out saw nothing useful, if something did arrive while it waited. */
  ignoredFor(pending: Pending): string | undefined {
    if (pending.ignored !== undefined) return pending.ignored;
    const last = this.lastIgnored;
    return last !== undefined && last.at >= pending.startedAt ? last.reason : undefined;
  }

  /** A query left this socket: close it if retired and drained, or start counting idle time. */
  released(pending: Pending): void {
    if (this.pending.get(pending.query.id) === pending) this.pending.delete(pending.query.id);
    if (this.pending.size > 0 || this.closed) return;
    if (this.retired) {
      this.close();
      return;
    }
    this.idleSince = performance.now();
    if (this.idleTimer === undefined) this.armIdle(this.pool.idleMs);
  }

  private armIdle(delay: number): void {
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.closed || this.pending.size > 0) return;
      const left = this.pool.idleMs - (performance.now() - this.idleSince);
      // One timer per socket, pushed back rather than reset on every query that comes and goes.
      if (left > 1) this.armIdle(left);
      else this.close();
    }, delay);
    this.idleTimer.unref();
  }

  /** The socket failed: every query on it fails with the reason, and the socket is dropped. */
  private fail(error: Error): void {
    if (this.closed) return;
    this.close();
    for (const pending of [...this.pending.values()]) {
      this.pool.settle(pending, new Error(`${pending.name} ${describeSocketError(error)}`));
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pool.forget(this);
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }
}

/** The UDP sockets of one resolver, by destination, and the one timer for their queries. */
export class UdpPool {
  readonly idleMs: number;
  private readonly timeoutMs: number;
  private readonly queriesPerSocket: number;
  private readonly maxInFlight: number;
  /** The socket new queries to a destination use; retired ones live on until drained. */
  private readonly current = new Map<string, Channel>();
  private readonly open = new Set<Channel>();
  /** Map keys of destinations seen (configured servers are the same objects query after query). */
  private readonly keys = new WeakMap<HostPort, string>();
  // Every query has the same timeout, so deadlines fall in the order queries start: a FIFO and one
  // timer for its head replace a timer per query.
  private deadlines: Pending[] = [];
  private head = 0;
  private live = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: UdpPoolOptions) {
    this.timeoutMs = options.timeoutMs;
    this.queriesPerSocket = options.queriesPerSocket ?? 1000;
    this.maxInFlight = options.maxInFlightPerSocket ?? 128;
    this.idleMs = options.idleMs ?? 2000;
  }

  /** Sockets open now: the current ones and retired ones still draining. */
  get openSockets(): number {
    return this.open.size;
  }

  /**
   * Asks `qname` (normalised) `type` of `target` under a fresh id and waits for the packet that
   * answers it. Packets that do not (another id, another question, garbage) are ignored and the
   * wait goes on. `name` names the server in the answer and in errors; `dnssec` sets DO and CD.
   */
  exchange(
    target: HostPort,
    qname: string,
    type: DnsRecordType,
    name: string,
    signal?: AbortSignal,
    dnssec = false,
  ): Promise<DnsResponse> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    let channel: Channel;
    try {
      channel = this.channelFor(target);
    } catch (error) {
      return Promise.reject(new Error(`${name} ${describeSocketError(error)}`));
    }
    const sent = buildQuery(qname, type, channel.freeId(), dnssec);
    return new Promise<DnsResponse>((resolve, reject) => {
      const startedAt = performance.now();
      const pending: Pending = {
        query: sent,
        name,
        startedAt,
        expires: startedAt + this.timeoutMs,
        channel,
        resolve,
        reject,
        signal,
        onAbort: undefined,
        ignored: undefined,
        done: false,
      };
      if (signal) {
        pending.onAbort = () => this.settle(pending, abortReason(signal));
        signal.addEventListener('abort', pending.onAbort, { once: true });
      }
      this.live += 1;
      this.deadlines.push(pending);
      if (this.timer === undefined) this.armTimer(this.timeoutMs);
      channel.send(pending);
    });
  }

  /** Ends a query with its answer or an error, once. */
  settle(pending: Pending, outcome: DnsResponse | Error): void {
    if (pending.done) return;
    pending.done = true;
    if (pending.onAbort) pending.signal?.removeEventListener('abort', pending.onAbort);
    this.live -= 1;
    if (this.live === 0) {
      // Nothing waits: no timer may hold the process open for queries already answered.
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.timer = undefined;
      this.deadlines = [];
      this.head = 0;
    } else {
      // Answered queries leave the front at once, so the queue spans only what is in flight.
      while (this.deadlines[this.head]?.done) this.head += 1;
      if (this.head > 1024 && this.head * 2 > this.deadlines.length) {
        this.deadlines = this.deadlines.slice(this.head);
        this.head = 0;
      }
    }
    pending.channel.released(pending);
    if (outcome instanceof Error) pending.reject(outcome);
    else pending.resolve(outcome);
  }

  /** A closed socket stops being the one new queries use. */
  forget(channel: Channel): void {
    this.open.delete(channel);
    if (this.current.get(channel.key) === channel) this.current.delete(channel.key);
  }

  /** Closes every socket; queries in flight on them fail. */
  close(): void {
    for (const pending of this.deadlines.slice(this.head)) {
      this.settle(pending, new Error(`${pending.name}: the resolver was closed`));
    }
    for (const channel of [...this.open]) channel.close();
  }

  private channelFor(target: HostPort): Channel {
    let key = this.keys.get(target);
    if (key === undefined) {
      key = `${target.host} ${target.port}`;
      this.keys.set(target, key);
    }
    let channel = this.current.get(key);
    if (channel && (channel.assigned >= this.queriesPerSocket || channel.pending.size >= this.maxInFlight)) {
      // Rotate: the old socket answers what it has in flight, then closes.
      channel.retired = true;
      this.current.delete(key);
      if (channel.pending.size === 0) channel.close();
      channel = undefined;
    }
    if (channel === undefined) {
      channel = new Channel(this, key, target);
      this.current.set(key, channel);
      this.open.add(channel);
    }
    return channel;
  }

  private armTimer(delay: number): void {
    this.timer = setTimeout(() => this.expire(), Math.max(1, Math.ceil(delay)));
  }

  private expire(): void {
    this.timer = undefined;
    const now = performance.now();
    while (this.head < this.deadlines.length) {
      const pending = this.deadlines[this.head] as Pending;
      if (!pending.done && pending.expires > now) break;
      this.head += 1;
      if (pending.done) continue;
      const ignored = pending.channel.ignoredFor(pending);
      // Say why the wait ran out when something did arrive: "timed out" alone would mislead.
      const message = `${pending.name} timed out after ${this.timeoutMs} ms${ignored ? ` (ignored ${ignored})` : ''}`;
      this.settle(pending, new TimeoutError(message));
    }
    const next = this.deadlines[this.head];
    if (next !== undefined && this.timer === undefined) this.armTimer(next.expires - now);
  }
}
