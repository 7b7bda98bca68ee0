// The email security scanner: can mail be forged in a domain's name? It reads MX, SPF (the whole
// include tree), DMARC and DKIM keys through ctx.net.resolver, keeps every answer as evidence in
// the dns scanner's style, and reports props, SPF include relations, findings and a verdict.

import { gradePropKey } from '../../shared/grade';
import type { EntityKey, JsonValue } from '../../shared/model';
import type { ScanContext, ScanEvent, ScanInput, Scanner } from '../../shared/scanner';
import { canonicalValue } from '../../shared/target';
import { Refs } from '../dns/evidence';
import { abortError } from '../dns/queries';
import { domainOf } from '../dns/records';
import { GraphBuilder } from '../kit/graph-builder';
import { reportDomain } from './dmarc';
import {
  analyseDkim,
  analyseDmarc,
  analyseMx,
  type DkimAnalysis,
  type DmarcAnalysis,
  type Failure,
  type MxAnalysis,
  selectorsOf,
} from './lookups';
import { DEFAULT_DKIM_SELECTORS, emailSecurityManifest } from './manifest';
import { Budget, DnsSession } from './session';
import { formatTerm, type SpfQualifier } from './spf';
import {
  analyseSpf,
  LOOKUP_LIMIT,
  PERMERROR_KINDS,
  type SpfAnalysis,
  type SpfProblemKind,
  VOID_LIMIT,
} from './spf-walk';
import { assessPosture, emailGrade, type Posture } from './verdict';

/** MX, TXT, _dmarc and the organisational domain's _dmarc. */
const CORE_BUDGET = 4;
/** Queries one SPF tree may cost: a tree within the limits needs at most ~25. */
export const SPF_BUDGET = 40;
const MAX_PROP_TERMS = 64;
const MAX_PROP_TEXT = 2048;

const domain = (value: string): EntityKey => ({ type: 'domain', value });

const PERMERROR_NOTE =
  'A receiver meeting this ends SPF evaluation with a permanent error (RFC 7208 §2.6.7) and treats the domain as ' +
  'having no usable SPF; under DMARC, SPF then never passes.';

/** Finding titles per problem; `own` is true when every such problem is in the domain's own record. */
const PROBLEM_TITLES: Record<SpfProblemKind, (name: string, spf: SpfAnalysis, own: boolean) => string> = {
  several: (n, s, own) =>
    own
      ? `${n} publishes ${s.records > 1 ? s.records : 'several'} SPF records (permerror)`
      : `A domain the SPF of ${n} includes publishes several SPF records (permerror)`,
  syntax: (n, _s, own) =>
    own
      ? `The SPF of ${n} has syntax errors (permerror)`
      : `A record the SPF of ${n} includes has syntax errors (permerror)`,
  lookups: (n, s) =>
    `The SPF of ${n} needs ${s.complete ? '' : 'at least '}${s.lookups} DNS lookups; the limit is ${LOOKUP_LIMIT} (permerror)`,
  void: (n, s) =>
    `The SPF of ${n} has ${s.voidLookups} lookups that find nothing; the limit is ${VOID_LIMIT} (permerror)`,
  loop: (n) => `The SPF of ${n} has an include loop (permerror)`,
  missing: (n) => `The SPF of ${n} names a domain without an SPF record (permerror)`,
  'mx-names': (n) => `The SPF of ${n} has an mx mechanism with more than 10 mail exchangers (permerror)`,
  temperror: (n) => `The SPF of ${n} could not be fully read`,
  ptr: (n) => `The SPF of ${n} uses the ptr mechanism`,
  macro: (n) => `The SPF of ${n} uses macros`,
  truncated: (n) => `The SPF tree of ${n} was not followed to its end`,
};

const PROBLEM_NOTES: Partial<Record<SpfProblemKind, string>> = {
  ptr: 'RFC 7208 §5.5: ptr is slow, unreliable and SHOULD NOT be used; some receivers ignore or penalise it.',
  temperror: 'Receivers meeting a DNS failure return temperror and may defer or accept the mail.',
  truncated: 'The counts are lower bounds.',
};

function reportSpf(name: string, spf: SpfAnalysis, dmarcEnforcing: boolean, graph: GraphBuilder, ctx: ScanContext) {
  const subject = domain(name);
  if (spf.status === 'none') {
    graph.finding({
      about: subject,
      severity: 'medium',
      title: `${name} publishes no SPF record`,
      detail:
        `No TXT record of ${name} starts with "v=spf1": receivers cannot tell which servers may send mail for it. ` +
        'A domain that sends no mail should publish "v=spf1 -all".',
      evidence: spf.rootRefs,
    });
  }
  const byKind = new Map<SpfProblemKind, typeof spf.problems>();
  for (const problem of spf.problems) byKind.set(problem.kind, [...(byKind.get(problem.kind) ?? []), problem]);
  for (const [kind, problems] of byKind) {
    if (kind === 'macro') continue;
    const permerror = PERMERROR_KINDS.has(kind);
    const note = permerror ? PERMERROR_NOTE : (PROBLEM_NOTES[kind] ?? '');
    graph.finding({
      about: subject,
      severity: permerror ? 'medium' : kind === 'ptr' ? 'low' : 'info',
      title: PROBLEM_TITLES[kind](
        name,
        spf,
        problems.every((p) => p.domain === name),
      ),
      detail: `${problems
        .slice(0, 20)
        .map((p) => `- ${p.text}`)
        .join('\n')}\n\n${note}`.trim(),
      evidence: [...new Set(problems.flatMap((p) => p.refs))],
    });
  }
  if (spf.status !== 'ok') return;
  const ending = spf.ending;
  const via = ending && ending.from !== name ? ` (reached through redirect=${ending.from})` : '';
  // The record that holds the "all": the domain's own, or one reached through redirect= (then the whole walk).
  const evidence = ending && ending.from !== name ? spf.refs : spf.rootRefs;
  const judge = (severity: 'critical' | 'high' | 'medium' | 'low', title: string, detail: string): void =>
    graph.finding({ about: subject, severity, title, detail, evidence });
  const qualifier: SpfQualifier | null | undefined = ending?.qualifier;
  if (qualifier === '+') {
    judge(
      'critical',
      `SPF of ${name} ends "+all": anyone may send as ${name}`,
      `The SPF record of ${name}${via} passes every server on the internet. A forged message using ${name} as ` +
        'envelope sender passes SPF, and that pass is aligned, so it passes DMARC too whatever the policy.',
    );
  } else if (qualifier === '?') {
    judge(
      'high',
      `SPF of ${name} ends "?all": it rejects no sender`,
      `The SPF record of ${name}${via} gives servers it does not list a neutral result: SPF never fails, so it ` +
        'protects nothing.',
    );
  } else if (qualifier === null) {
    judge(
      'high',
      `SPF of ${name} has no "all" mechanism: it rejects no sender`,
      `The SPF record of ${name}${via} has neither "all" nor redirect=: servers it does not list get the default ` +
        'neutral result, so SPF never fails.',
    );
  } else if (qualifier === '~') {
    judge(
      dmarcEnforcing ? 'low' : 'medium',
      `SPF of ${name} ends "~all" (soft fail)`,
      `The SPF record of ${name}${via} only soft-fails servers it does not list; receivers usually accept such ` +
        `mail. ${dmarcEnforcing ? 'The enforcing DMARC policy decides what happens to it.' : 'Without an enforcing DMARC policy nothing makes them refuse it.'}`,
    );
  }
  if (spf.failures.length > 0) ctx.log.info(`email-security: ${spf.failures.length} SPF lookup(s) failed`);
}

function reportDmarc(name: string, dmarc: DmarcAnalysis, graph: GraphBuilder): void {
  const subject = domain(name);
  const evidence = dmarc.refs;
  const where = dmarc.inheritedFrom ? `${dmarc.source} (the organisational domain's)` : dmarc.source;
  switch (dmarc.status) {
    case 'temperror':
      return;
    case 'none':
      graph.finding({
        about: subject,
        severity: 'medium',
        title: `${name} publishes no DMARC record`,
        detail:
          `${dmarc.consulted.join(' and ')} ${dmarc.consulted.length > 1 ? 'hold' : 'holds'} no "v=DMARC1" record: ` +
          'receivers apply no policy to mail that fails SPF and DKIM alignment, and the owner gets no reports of ' +
          'forged mail.',
        evidence,
      });
      return;
    case 'several':
      graph.finding({
        about: subject,
        severity: 'medium',
        title: `${name} has ${dmarc.count} DMARC records: receivers ignore them all`,
        detail: `${dmarc.source} holds ${dmarc.count} "v=DMARC1" records; RFC 7489 §6.6.3 makes receivers apply none.`,
        evidence,
      });
      return;
    default:
      break;
  }
  const record = dmarc.record?.parsed;
  if (!record) return;
  if (dmarc.status === 'invalid') {
    graph.finding({
      about: subject,
      severity: 'medium',
      title: `The DMARC record of ${name} is invalid: receivers ignore it`,
      detail: `The record at ${where} has no valid p= tag (and no valid rua= to fall back on):\n${record.errors.map((e) => `- ${e}`).join('\n')}`,
      evidence,
    });
    return;
  }
  if (record.errors.length > 0) {
    graph.finding({
      about: subject,
      severity: 'low',
      title: `The DMARC record of ${name} has errors`,
      detail: `Parts of the record at ${where} are invalid and ignored by receivers:\n${record.errors.map((e) => `- ${e}`).join('\n')}`,
      evidence,
    });
  }
  if (dmarc.inheritedFrom) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `${name} takes its DMARC policy from ${dmarc.inheritedFrom}`,
      detail:
        `_dmarc.${name} holds no DMARC record, so receivers use the organisational domain's (${dmarc.source}), ` +
        `applying its ${record.sp ? 'sp=' : 'p='} policy: ${dmarc.policy}.`,
      evidence,
    });
  }
  if (dmarc.policy === 'none') {
    graph.finding({
      about: subject,
      severity: 'low',
      title: `The DMARC policy of ${name} is p=none (monitoring only)`,
      detail:
        'Mail failing SPF and DKIM alignment is delivered as usual; the policy only asks for reports. It is a first ' +
        'step, weak until moved to quarantine or reject.',
      evidence,
    });
  }
  if (record.pct !== undefined && record.pct < 100 && dmarc.policy !== 'none') {
    graph.finding({
      about: subject,
      severity: 'low',
      title: `The DMARC policy of ${name} applies to ${record.pct}% of failing mail`,
      detail: `pct=${record.pct}: the rest of the mail that fails alignment is treated one step more leniently.`,
      evidence,
    });
  }
  if (!dmarc.inheritedFrom && record.sp === 'none' && (record.p === 'quarantine' || record.p === 'reject')) {
    graph.finding({
      about: subject,
      severity: 'medium',
      title: `Subdomains of ${name} are not protected by DMARC (sp=none)`,
      detail:
        `The record enforces p=${record.p} on ${name} but sp=none on its subdomains: mail forged from any ` +
        `name under ${name}, existing or not, is delivered.`,
      evidence,
    });
  }
  if (record.rua.length === 0) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `The DMARC record of ${name} asks for no aggregate reports`,
      detail: 'Without rua= the owner never learns who sends mail in the domain’s name, forged or not.',
      evidence,
    });
  }
}

function reportDkim(name: string, dkim: DkimAnalysis, noMail: boolean, graph: GraphBuilder): void {
  const subject = domain(name);
  const real = dkim.found.filter((f) => !f.wildcard);
  if (dkim.wildcard) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `A wildcard answers every DKIM selector of ${name}`,
      detail:
        `The random selector ${dkim.wildcard.name} returned a DKIM key record: selectors answering the same record ` +
        `(${
          dkim.found
            .filter((f) => f.wildcard)
            .map((f) => f.selector)
            .join(', ') || 'none of those tried'
        }) are not counted as keys.`,
      evidence: dkim.wildcard.refs,
    });
  }
  const usable = real.filter((f) => !f.key.revoked && !f.key.error);
  // A domain that sends no mail has nothing to sign: a missing key is what it should look like.
  if (usable.length === 0 && !noMail) {
    const revoked = real.filter((f) => f.key.revoked).map((f) => f.selector);
    const broken = real.filter((f) => f.key.error).map((f) => f.selector);
    const seen = [
      ...(revoked.length > 0 ? [`revoked: ${revoked.join(', ')}`] : []),
      ...(broken.length > 0 ? [`unreadable: ${broken.join(', ')}`] : []),
    ];
    graph.finding({
      about: subject,
      severity: 'info',
      title: `No usable DKIM key found for ${name}`,
      detail:
        `None of the ${dkim.tried} selectors tried holds a usable DKIM key${seen.length > 0 ? ` (${seen.join('; ')})` : ''}. ` +
        'Selectors cannot be listed through DNS, so a key under another selector may exist; mail signed by none ' +
        'cannot pass DMARC through DKIM.',
      evidence: dkim.refs,
    });
  }
  for (const found of real) {
    const { key, selector, record } = found;
    const about = `DKIM selector ${selector} of ${name}`;
    if (key.revoked) {
      graph.finding({
        about: subject,
        severity: 'info',
        title: `${about} is revoked`,
        detail: `${found.name} publishes an empty p=: the key was withdrawn and signatures made with it fail.`,
        evidence: found.refs,
      });
      continue;
    }
    if (key.bits !== undefined && key.type === 'rsa' && key.bits < 2048) {
      graph.finding({
        about: subject,
        severity: key.bits < 1024 ? 'high' : 'low',
        title: `${about} has a ${key.bits}-bit RSA key`,
        detail:
          key.bits < 1024
            ? 'RSA keys under 1024 bits can be factored by a determined attacker, who can then sign mail as the domain; ' +
              'RFC 8301 forbids verifiers to accept them.'
            : 'RFC 8301 asks signers for keys of at least 2048 bits; 1024-bit keys are within reach of well-funded attackers.',
        evidence: found.refs,
      });
    }
    const problems = [...(key.error ? [key.error] : []), ...record.errors];
    if (found.several) problems.push('several key records answer this selector; receivers may pick any');
    if (problems.length > 0) {
      graph.finding({
        about: subject,
        severity: 'low',
        title: `${about} has a faulty key record`,
        detail: problems.map((p) => `- ${p}`).join('\n'),
        evidence: found.refs,
      });
    }
    if (record.t.includes('y')) {
      graph.finding({
        about: subject,
        severity: 'low',
        title: `${about} is in testing mode (t=y)`,
        detail: 'Receivers may treat mail signed with a testing key as unsigned.',
        evidence: found.refs,
      });
    }
  }
}

// The null MX itself is the dns scanner's finding (it reads the record); here it is a prop and a
// part of the verdict.
function reportMx(name: string, mx: MxAnalysis, graph: GraphBuilder): void {
  const subject = domain(name);
  for (const { exchange, preference } of mx.exchanges) {
    graph.relation(subject, 'has_mx', domain(exchange), mx.refs, { preference });
  }
  if (!mx.nullMx && mx.status === 'ok' && mx.exchanges.length === 0) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `${name} has no MX records`,
      detail:
        `${name} names no mail exchanger: senders fall back to its address records (implicit MX, RFC 5321 §5.1), ` +
        'so it receives mail only if a host there listens.',
      evidence: mx.refs,
    });
  }
}

const VERDICT_TITLES: Record<Posture['verdict'], (name: string) => string> = {
  spoofable: (n) => `${n} is spoofable`,
  'partially spoofable': (n) => `${n} is partially spoofable`,
  'not spoofable': (n) => `${n} is protected against spoofing`,
  undetermined: (n) => `Whether ${n} is spoofable is undetermined`,
};

/** The domain's own record ends "-all" and no mechanism before it can pass a server: it sends no mail. */
function passesNone(name: string, spf: SpfAnalysis): boolean {
  if (spf.status !== 'ok' || !spf.record || spf.ending?.from !== name || spf.ending.qualifier !== '-') return false;
  return spf.record.parsed.terms.every((t) => t.type !== 'mechanism' || t.qualifier !== '+');
}

function spfProp(name: string, spf: SpfAnalysis): JsonValue {
  if (spf.status === 'none' || !spf.record) return { status: spf.status, records: spf.records };
  const { parsed, text } = spf.record;
  const ending = spf.ending;
  const includes = [...new Set(spf.edges.filter((e) => e.via === 'include').map((e) => e.to))];
  const redirect = spf.edges.find((e) => e.via === 'redirect' && e.from === name)?.to;
  const prop: { [key: string]: JsonValue } = {
    status: spf.status,
    record: text.slice(0, MAX_PROP_TEXT),
    terms: parsed.terms
      .slice(0, MAX_PROP_TERMS)
      .map(
        (t): JsonValue =>
          t.type === 'mechanism'
            ? { qualifier: t.qualifier, mechanism: t.kind, value: t.target ?? null, text: formatTerm(t) }
            : { modifier: t.name, value: t.value.slice(0, 300), text: formatTerm(t).slice(0, 300) },
      ),
    termCount: parsed.terms.length,
    all: ending?.qualifier ? `${ending.qualifier}all` : null,
    lookups: spf.lookups,
    lookupLimit: LOOKUP_LIMIT,
    voidLookups: spf.voidLookups,
    complete: spf.complete,
    includes: includes.slice(0, MAX_PROP_TERMS),
  };
  if (ending && ending.from !== name) prop.allFrom = ending.from;
  if (redirect) prop.redirect = redirect;
  if (parsed.errors.length > 0) prop.errors = parsed.errors;
  return prop;
}

function dmarcProp(dmarc: DmarcAnalysis): JsonValue {
  const record = dmarc.record?.parsed;
  const base = {
    status: dmarc.status,
    source: dmarc.source,
    ...(dmarc.inheritedFrom ? { inheritedFrom: dmarc.inheritedFrom } : {}),
  };
  if (!record || !dmarc.record) return base;
  return {
    ...base,
    record: dmarc.record.text.slice(0, MAX_PROP_TEXT),
    ...(dmarc.policy ? { policy: dmarc.policy } : {}),
    ...(record.p ? { p: record.p } : {}),
    ...(record.sp ? { sp: record.sp } : {}),
    pct: record.pct ?? 100,
    rua: record.rua,
    ruf: record.ruf,
    adkim: record.adkim ?? 'r',
    aspf: record.aspf ?? 'r',
    ...(record.fo ? { fo: record.fo } : {}),
    reportDomains: [...new Set([...record.rua, ...record.ruf].map(reportDomain).filter((d) => d !== undefined))],
    ...(record.errors.length > 0 ? { errors: record.errors } : {}),
  };
}

function dkimProp(dkim: DkimAnalysis): JsonValue {
  return {
    tried: dkim.tried,
    ...(dkim.wildcard ? { wildcard: true } : {}),
    selectors: dkim.found
      .filter((f) => !f.wildcard)
      .map((f) => ({
        selector: f.selector,
        keyType: f.key.type,
        ...(f.key.bits !== undefined ? { bits: f.key.bits } : {}),
        revoked: f.key.revoked,
        testing: f.record.t.includes('y'),
        ...(f.key.error ? { error: f.key.error } : {}),
      })),
  };
}

async function* scanDomain(name: string, ctx: ScanContext, refs: Refs, graph: GraphBuilder): AsyncGenerator<ScanEvent> {
  const subject = domain(name);
  const session = new DnsSession(ctx, refs);
  const core = new Budget(CORE_BUDGET);
  const checkAbort = (): void => {
    if (ctx.signal.aborted) throw abortError(ctx.signal);
  };
  yield { kind: 'progress', fraction: 0, message: `querying MX, SPF and DMARC of ${name}` };
  const [mxAsked, txtAsked, dmarcAsked] = await Promise.all([
    session.query(name, 'MX', core),
    session.query(name, 'TXT', core),
    session.query(`_dmarc.${name}`, 'TXT', core),
  ]);
  checkAbort();
  const first = [mxAsked, txtAsked, dmarcAsked];
  if (first.every((a) => a.kind === 'error')) {
    const error = first.find((a) => a.kind === 'error');
    throw new Error(`every DNS query for ${name} failed: ${error?.kind === 'error' ? error.error : 'no answer'}`);
  }
  yield { kind: 'progress', fraction: 0.1, message: `reading the DMARC policy of ${name}` };
  const mx = analyseMx(mxAsked, session);
  // Cited now so evidence reads in a natural order: MX, TXT, DMARC, then what SPF and DKIM asked.
  session.cite(txtAsked);
  const dmarc = await analyseDmarc(name, dmarcAsked, session, core);
  checkAbort();
  yield { kind: 'progress', fraction: 0.2, message: `following the SPF includes of ${name}` };
  const spf = await analyseSpf(name, session, new Budget(SPF_BUDGET));
  checkAbort();
  yield* session.drain();
  yield { kind: 'progress', fraction: 0.45, message: `looking for DKIM keys of ${name}` };
  const { selectors, skipped } = selectorsOf(ctx.options.dkimSelectors, DEFAULT_DKIM_SELECTORS);
  if (skipped.length > 0)
    ctx.log.warn(`email-security: skipped invalid DKIM selector(s): ${skipped.slice(0, 5).join(', ')}`);
  const dkim = yield* analyseDkim(name, selectors, session, { from: 0.45, to: 0.95 });
  checkAbort();
  yield* session.drain();

  const usableKeys = dkim.found.filter((f) => !f.wildcard && !f.key.revoked && !f.key.error).length;
  const posture = assessPosture({
    spf: {
      status: spf.status,
      ...(spf.ending ? { ending: spf.ending.qualifier } : {}),
      passesNone: passesNone(name, spf),
    },
    dmarc: {
      status: dmarc.status,
      ...(dmarc.policy ? { policy: dmarc.policy } : {}),
      ...(dmarc.record?.parsed.pct !== undefined ? { pct: dmarc.record.parsed.pct } : {}),
      ...(dmarc.inheritedFrom ? { inheritedFrom: dmarc.inheritedFrom } : {}),
    },
    dkim: { usable: usableKeys, tried: dkim.tried },
    // RFC 7505 §3: a null MX among other MX records declares nothing.
    nullMx: mx.nullMx && mx.exchanges.length === 0,
  });

  graph.entity(subject, [...mx.refs, ...spf.rootRefs, ...dmarc.refs], {
    mx: {
      present: mx.exchanges.length > 0,
      nullMx: mx.nullMx,
      hosts: mx.exchanges.map((e) => e.exchange).slice(0, 32),
    },
    spf: spfProp(name, spf),
    dmarc: dmarcProp(dmarc),
    dkim: dkimProp(dkim),
    emailSecurity: {
      score: posture.score,
      points: posture.points,
      dkimNeeded: !posture.noMail,
      verdict: posture.verdict,
      reasons: posture.reasons,
    },
    [gradePropKey('email')]: emailGrade(posture),
  });
  reportMx(name, mx, graph);
  const skippedNames = new Set<string>();
  for (const edge of spf.edges) {
    const from = domainOf(edge.from);
    const to = domainOf(edge.to);
    if (!from || !to) {
      skippedNames.add(from ? edge.to : edge.from);
      continue;
    }
    graph.relation(domain(from), 'spf_include', domain(to), edge.refs, {
      mechanism: edge.via,
      ...(edge.qualifier ? { qualifier: edge.qualifier } : {}),
    });
  }
  if (skippedNames.size > 0) {
    ctx.log.info(
      `email-security: SPF names that are not valid domain entities were kept in props only: ${[...skippedNames].slice(0, 5).join(', ')}`,
    );
  }
  const dmarcEnforcing = dmarc.status === 'ok' && (dmarc.policy === 'quarantine' || dmarc.policy === 'reject');
  reportSpf(name, spf, dmarcEnforcing, graph, ctx);
  reportDmarc(name, dmarc, graph);
  reportDkim(name, dkim, posture.noMail, graph);
  graph.finding({
    about: subject,
    severity: posture.severity,
    title: `${VERDICT_TITLES[posture.verdict](name)} (email security ${posture.score}/3)`,
    detail:
      `${posture.reasons.map((r) => `- ${r}`).join('\n')}\n\n` +
      `Score ${posture.score}/3: enforcing SPF ${posture.points.spf ? 'yes' : 'no'}, ` +
      `enforcing DMARC ${posture.points.dmarc ? 'yes' : 'no'}, ` +
      `DKIM key ${usableKeys > 0 ? 'yes' : posture.noMail ? 'not needed' : 'no'}.`,
    evidence: [
      ...new Set([...spf.rootRefs, ...dmarc.refs, ...dkim.found.flatMap((f) => f.refs), ...(mx.nullMx ? mx.refs : [])]),
    ],
  });
  const failures: Failure[] = [
    ...(mx.failure ? [mx.failure] : []),
    ...dmarc.failures,
    ...spf.failures,
    ...dkim.failures,
  ];
  if (failures.length > 0) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `Some DNS queries for the email security of ${name} failed`,
      detail: failures
        .slice(0, 50)
        .map((f) => `${f.type} ${f.name}: ${f.error}`)
        .join('\n'),
    });
  }
  yield* graph.drain();
}

async function* run(input: ScanInput, ctx: ScanContext): AsyncGenerator<ScanEvent> {
  const refs = new Refs();
  const graph = new GraphBuilder('email');
  switch (input.type) {
    case 'domain': {
      const name = canonicalValue('domain', input.value);
      if (!name) throw new Error(`"${input.value.slice(0, 300)}" is not a valid domain name`);
      yield* scanDomain(name, ctx, refs, graph);
      break;
    }
    case 'email': {
      const email = canonicalValue('email', input.value);
      if (!email) throw new Error(`"${input.value.slice(0, 300)}" is not a valid email address`);
      const name = email.slice(email.lastIndexOf('@') + 1);
      // The address itself is the proof that it uses this domain.
      graph.relation({ type: 'email', value: email }, 'uses_email_domain', domain(name), []);
      yield* graph.drain();
      yield* scanDomain(name, ctx, refs, graph);
      break;
    }
    default:
      throw new Error(`the email-security scanner does not accept ${input.type} entities`);
  }
  yield { kind: 'progress', fraction: 1, message: 'done' };
}

export const emailSecurityScanner: Scanner = { manifest: emailSecurityManifest, run };
