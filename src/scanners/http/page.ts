// What the page's response says, judged and written into the scan's graph: the security headers
// (and their grade points), clickjacking, HSTS preload readiness, the cookies (and theirs),
// HTTP/3 from Alt-Svc, the server and the title.
import { scoreCategory } from '../../shared/grade';
import type { EntityKey, JsonValue, Props } from '../../shared/model';
import type { HttpResponse } from '../../shared/scanner';
import type { GraphBuilder } from '../kit/graph-builder';
import { http3Services, parseAltSvc } from './alt-svc';
import { clickjackingVerdict } from './clickjacking';
import { type CookieAudit, cookieScore } from './cookie-audit';
import { parseCsp } from './csp';
import { bodyText } from './fetch';
import { headerValues } from './fields';
import { assessHeaders, POINTS_PER_HEADER } from './headers';
import { parseHsts, preloadProblems } from './hsts';
import type { RedirectVerdict } from './redirect-verdict';
import { printable } from './text';
import { extractTitle } from './title';

export const SCANNER = 'http';

export interface PageJudgement {
  about: EntityKey;
  /** The target as finding titles show it. */
  label: string;
  graph: GraphBuilder;
  /** The scanned entity's props (grade scores go here). */
  props: Props;
  /** The `http` prop being built. */
  httpProps: Record<string, JsonValue>;
  url: string;
  response: HttpResponse;
  pageRefs: string[];
  redirect: RedirectVerdict;
  redirectEvidence: string[];
  cookies: { audit: CookieAudit; refs: string[] }[];
}

function judgeHeaders(j: PageJudgement): void {
  const verdicts = assessHeaders(j.response.headers, j.url.startsWith('https:'));
  j.httpProps.headers = Object.fromEntries(
    verdicts.map((v) => [v.header, { status: v.status, value: v.value, lost: v.lost }]),
  );
  const losing = verdicts.filter((v) => v.lost > 0);
  j.props['grade.headers'] = scoreCategory(
    'headers',
    SCANNER,
    losing.map((v) => ({ points: v.lost, reason: `${v.header} ${v.status}: ${v.detail}` })),
  );
  for (const v of losing) {
    const state = v.status === 'missing' ? 'is missing' : v.status === 'weak' ? 'is weak' : 'is ineffective';
    j.graph.finding({
      about: j.about,
      severity: v.severity,
      title: `${j.label}: ${v.header} ${state}`,
      detail: `${v.value === null ? '' : `${v.header}: ${v.value}\n`}${v.detail}. (−${v.lost} of ${POINTS_PER_HEADER} grade points.)`,
      evidence: j.pageRefs,
    });
  }
}

function judgeClickjacking(j: PageJudgement): void {
  const verdict = clickjackingVerdict(
    parseCsp(headerValues(j.response.headers, 'content-security-policy')),
    headerValues(j.response.headers, 'x-frame-options'),
  );
  j.httpProps.clickjacking = { protected: verdict.protected, by: verdict.by, reason: verdict.reason };
  if (verdict.protected) return;
  j.graph.finding({
    about: j.about,
    severity: 'medium',
    title: `${j.label}: can be framed by any site (clickjacking)`,
    detail:
      `${verdict.reason}. Another site can load ${printable(j.url, 200)} in an invisible frame and make visitors ` +
      "click on it. Send CSP frame-ancestors 'self' (and X-Frame-Options SAMEORIGIN for old browsers).",
    evidence: j.pageRefs,
  });
}

function judgeHstsPreload(j: PageJudgement): void {
  // Browsers honour the first header, and only over HTTPS.
  const value = j.url.startsWith('https:')
    ? headerValues(j.response.headers, 'strict-transport-security')[0]
    : undefined;
  if (value === undefined) return;
  const hsts = parseHsts(value);
  const problems = preloadProblems(hsts);
  if (j.redirect.kind !== 'redirects' && j.redirect.kind !== 'https-only')
    problems.push('HTTP does not redirect to HTTPS');
  j.httpProps.hsts = {
    maxAge: hsts.maxAge,
    includeSubDomains: hsts.includeSubDomains,
    preload: hsts.preload,
    preloadReady: problems.length === 0,
    errors: hsts.errors,
  };
  if (!hsts.preload) return;
  const ready = problems.length === 0;
  j.graph.finding({
    about: j.about,
    severity: ready ? 'info' : 'low',
    title: ready
      ? `${j.label}: HSTS is ready for the browsers' preload list`
      : `${j.label}: HSTS asks for preload but does not qualify`,
    detail: ready
      ? 'The header has max-age of a year or more, includeSubDomains and preload, and HTTP redirects to HTTPS: the requirements of hstspreload.org (whether the name is on the list is not checked).'
      : `The preload list would refuse it: ${problems.join('; ')}.`,
    evidence: [...j.pageRefs, ...j.redirectEvidence],
  });
}

function judgeCookies(j: PageJudgement): void {
  j.httpProps.cookies = j.cookies.map(({ audit }) => ({ ...audit, problems: audit.problems.map((p) => p.problem) }));
  j.props['grade.cookies'] = cookieScore(
    j.cookies.map((c) => c.audit),
    SCANNER,
  );
  for (const { audit, refs } of j.cookies.filter((c) => c.audit.score < 100)) {
    j.graph.finding({
      about: j.about,
      severity: audit.score < 50 ? 'medium' : 'low',
      title: `${j.label}: cookie ${audit.name} scores ${audit.score}/100`,
      detail: audit.problems.map((p) => `−${p.points}: ${p.problem}`).join('\n'),
      evidence: refs,
    });
  }
}

function judgeHttp3(j: PageJudgement): void {
  const h3 = http3Services(parseAltSvc(headerValues(j.response.headers, 'alt-svc')));
  j.httpProps.http3 = {
    advertised: h3.length > 0,
    alternatives: h3.map((s) => printable(`${s.protocol}=${s.host}:${s.port ?? ''}`, 100)),
  };
  if (h3.length === 0) return;
  j.graph.finding({
    about: j.about,
    severity: 'info',
    title: `${j.label}: advertises HTTP/3`,
    detail: `Alt-Svc offers ${h3.map((s) => printable(`${s.protocol} on ${s.host || 'the same host'}:${s.port ?? '?'}`, 100)).join(', ')}.`,
    evidence: j.pageRefs,
  });
}

export function judgePage(j: PageJudgement): void {
  j.httpProps.url = j.url;
  j.httpProps.status = j.response.status;
  const server = headerValues(j.response.headers, 'server')[0];
  if (server !== undefined) j.httpProps.server = printable(server, 200);
  const contentType = headerValues(j.response.headers, 'content-type')[0] ?? '';
  j.httpProps.title = contentType === '' || /html/i.test(contentType) ? extractTitle(bodyText(j.response)) : null;
  judgeHeaders(j);
  judgeClickjacking(j);
  judgeHstsPreload(j);
  judgeCookies(j);
  judgeHttp3(j);
}
