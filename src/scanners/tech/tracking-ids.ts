// Analytics and advertising account IDs a page embeds (Google Analytics, Tag Manager, Ads, Meta
// Pixel, Yandex Metrica). Sites that share an account ID are run by the same people: one of the
// strongest clustering signals there is, and it survives a change of host or registrar.

/** Each pattern's group 1 is the ID; every quantifier is bounded, the page is hostile. */
const ID_PATTERNS: { kind: string; pattern: RegExp }[] = [
  { kind: 'Google Analytics', pattern: /\b(G-[A-Z0-9]{6,12}|UA-[0-9]{4,10}-[0-9]{1,4})\b/g },
  { kind: 'Google Tag Manager', pattern: /\b(GTM-[A-Z0-9]{4,9})\b/g },
  { kind: 'Google Ads', pattern: /\b(AW-[0-9]{6,12})\b/g },
  { kind: 'Meta Pixel', pattern: /fbq\(\s{0,5}['"]init['"],\s{0,5}['"]([0-9]{10,20})['"]/g },
  { kind: 'Yandex Metrica', pattern: /\bym\(\s{0,5}([0-9]{5,12}),\s{0,5}['"]init['"]/g },
];

const MAX_IDS = 50;

/** The IDs found, as "kind:ID" ("Google Analytics:G-ABC123"), deduplicated and capped. */
export function trackingIds(html: string): string[] {
  const found = new Set<string>();
  for (const { kind, pattern } of ID_PATTERNS) {
    for (const m of html.matchAll(pattern)) {
      if (found.size >= MAX_IDS) return [...found];
      found.add(`${kind}:${m[1]}`);
    }
  }
  return [...found];
}
