// Following redirects ourselves, since ctx.net.http never does: at most MAX_HOPS redirects, a
// loop stopped at the first repeated URL, each hop's response (or failure) kept for evidence.
// Only 301, 302, 303, 307 and 308 with a Location are redirects; a Location to anything but
// http(s) ends the chain. Every URL is put to the scan policy before it is requested.
import type { HttpResponse } from '../../shared/scanner';
import { headerValues } from './fields';

export const MAX_HOPS = 10;

export interface Hop {
  url: string;
  response?: HttpResponse;
  /** Why the request failed, when it did. */
  error?: string;
  /** The absolute URL the hop redirects to. */
  next?: string;
}

export type ChainEnd =
  | 'page' // the last hop answered without redirecting
  | 'failed' // the last hop's request failed
  | 'loop' // the next URL was already visited
  | 'too-many' // more than MAX_HOPS redirects
  | 'bad-location' // a Location that is not an http(s) URL
  | 'stopped' // the caller's allow() refused the next hop
  | 'refused'; // the scan policy refused the hop's host (the hop's error says why)

export interface Chain {
  hops: Hop[];
  end: ChainEnd;
  /** The Location that ended the chain (loop, too-many, bad-location, stopped). */
  endLocation?: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The absolute URL a response redirects to; undefined when it does not redirect, null when Location is unusable. */
export function redirectTarget(response: HttpResponse, base: string): string | null | undefined {
  if (!REDIRECTS.has(response.status)) return undefined;
  const location = headerValues(response.headers, 'location')[0]?.trim();
  if (location === undefined || location === '') return undefined;
  try {
    const url = new URL(location, base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    url.hash = '';
    return url.href;
  } catch {
    return null;
  }
}

export interface FollowOptions {
  get(url: string): Promise<HttpResponse>;
  /** Whether to request `next`; false ends the chain as 'stopped'. */
  allow?(next: string): boolean;
  /** Why a URL must not be requested at all (the scan policy), or undefined; checked before every request. */
  refuse?(url: string): Promise<string | undefined>;
  maxHops?: number;
  /** The run's signal: a cancelled run ends the chain by throwing, not as a failed hop. */
  signal?: AbortSignal;
}

export async function followRedirects(start: string, options: FollowOptions): Promise<Chain> {
  const maxHops = options.maxHops ?? MAX_HOPS;
  const hops: Hop[] = [];
  const visited = new Set<string>();
  let url = start;
  for (;;) {
    visited.add(url);
    const hop: Hop = { url };
    hops.push(hop);
    const refusal = await options.refuse?.(url);
    if (refusal !== undefined) {
      hop.error = `not requested: ${refusal}`;
      return { hops, end: 'refused' };
    }
    try {
      hop.response = await options.get(url);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      hop.error = error instanceof Error ? error.message : String(error);
      return { hops, end: 'failed' };
    }
    const next = redirectTarget(hop.response, url);
    if (next === undefined) return { hops, end: 'page' };
    const location = headerValues(hop.response.headers, 'location')[0] ?? '';
    if (next === null) return { hops, end: 'bad-location', endLocation: location };
    hop.next = next;
    if (visited.has(next)) return { hops, end: 'loop', endLocation: next };
    if (hops.length > maxHops) return { hops, end: 'too-many', endLocation: next };
    if (options.allow && !options.allow(next)) return { hops, end: 'stopped', endLocation: next };
    url = next;
  }
}
