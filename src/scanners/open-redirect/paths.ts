// The paths worth probing: the site's root, the path the analyst gave, the paths the root's
// redirects passed through, and the same-site pages the root page links to or posts forms to.
import { attribute, startTags } from './html';

/** Same-origin paths (no query) found in `html`'s links and forms, in page order. */
export function linkedPaths(html: string, base: string, max: number): string[] {
  const origin = new URL(base).origin;
  const found: string[] = [];
  const tags = [
    ...startTags(html, 'a', 500).map((t) => attribute(t, 'href')),
    ...startTags(html, 'form', 50).map((t) => attribute(t, 'action')),
  ];
  for (const value of tags) {
    if (value === null || found.length >= max) continue;
    try {
      const url = new URL(value.trim(), base);
      if (url.origin === origin && !found.includes(url.pathname)) found.push(url.pathname);
    } catch {
      // Not a URL: nothing to probe.
    }
  }
  return found;
}

/** The first `max` distinct paths of the lists, in order. */
export function pathsToProbe(lists: readonly (readonly string[])[], max: number): string[] {
  const paths: string[] = [];
  for (const path of lists.flat()) {
    if (paths.length >= max) break;
    if (!paths.includes(path)) paths.push(path);
  }
  return paths;
}
