// The HTML reader and the page extractors on ordinary and hostile markup: attributes in every
// quoting style, raw-text elements, unterminated constructs, caps, and linear time on crafted pages.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractContent } from '../../../src/scanners/content/extract';
import { decodeEntities, parseHtml } from '../../../src/scanners/tech/html';

const ALL = new Set(['a', 'script', 'meta', 'form', 'input', 'img']);

describe('HTML reader', () => {
  it('reads tags, attributes in every quoting style, entities, inline scripts and text', () => {
    const html =
      '<!doctype html><!-- <a href="/commented"> --><META Name=generator content="WordPress 6.1">' +
      "<a href='/one?a=1&amp;b=2' data-x>One</a><a href=/two>Two &lt;3</a>" +
      '<script>if (a < b) { document.write("<a href=/fake>") }</script><script type="application/ld+json">{}</script>' +
      '<style>a { content: "<a href=/css>" }</style><textarea><a href="/ta">x</textarea><img src="x.png" alt="a > b">';
    const parsed = parseHtml(html, ALL);
    expect(parsed.tags.map((t) => [t.name, Object.fromEntries(t.attrs)])).toEqual([
      ['meta', { name: 'generator', content: 'WordPress 6.1' }],
      ['a', { href: '/one?a=1&b=2', 'data-x': '' }],
      ['a', { href: '/two' }],
      ['script', {}],
      ['script', { type: 'application/ld+json' }],
      ['img', { src: 'x.png', alt: 'a > b' }],
    ]);
    expect(parsed.inlineScripts).toEqual([
      { type: '', length: 47 },
      { type: 'application/ld+json', length: 2 },
    ]);
    expect(parsed.text).toContain('Two <3');
    expect(parsed.text).toContain('<a href="/ta">x');
    expect(parsed.text).not.toContain('fake');
  });

  it('survives unterminated comments, quotes, tags and scripts', () => {
    for (const html of ['<!-- never closed <a href=/x>', '<a href="never closed>', '<a', '<script>never', '<', '</']) {
      expect(() => parseHtml(html, ALL)).not.toThrow();
    }
    expect(parseHtml('<a href="x" <b>text', ALL).tags).toHaveLength(1);
  });

  it('caps tags and text and reads any input without throwing', () => {
    const many = parseHtml('<a href=/x>'.repeat(30_000), ALL);
    expect(many.tags.length).toBe(20_000);
    expect(many.capped).toBe(true);
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (html) => {
        const parsed = parseHtml(html, ALL, { maxTags: 50, maxAttrs: 4, maxValue: 20, maxText: 100 });
        expect(parsed.tags.length).toBeLessThanOrEqual(50);
        for (const tag of parsed.tags) {
          expect(tag.attrs.size).toBeLessThanOrEqual(4);
          for (const v of tag.attrs.values()) expect(v.length).toBeLessThanOrEqual(20);
        }
      }),
    );
  });

  it('reads crafted 1 MB pages in one pass', () => {
    // Each shape would cost quadratic time to a reader that rescans: measured relative to a plain page.
    const size = 1024 * 1024;
    const shapes = ['<', '<a ', '<a b=', '<a b="', '<!--', '<script>', '&#', "<a href='x' ", '</'];
    const time = (html: string) => {
      const start = performance.now();
      parseHtml(html, ALL);
      return performance.now() - start;
    };
    for (const shape of shapes) {
      const html = shape.repeat(Math.ceil(size / shape.length));
      expect(time(html), JSON.stringify(shape)).toBeLessThan(5000);
    }
  });

  it('decodes numeric and named references, leaving invalid ones as written', () => {
    expect(decodeEntities('&#x41;&#66;&amp;&nbsp;&bogus;&#xD800;&#99999999;')).toBe('AB& &bogus;&#xD800;&#99999999;');
  });
});

describe('page extractors', () => {
  it('find mixed content, insecure forms, script domains and inline scripts on an HTTPS page', () => {
    const html =
      '<base href="https://static.example.com/app/"><script src="lib.js"></script>' +
      '<script src="//cdn.other.net/x.js"></script><script src="http://tracker.evil.io/t.js"></script>' +
      '<script src="https://www.example.com/own.js"></script><script>var inline = 1;</script>' +
      '<script type="text/template"><div></div></script>' +
      '<img src="http://img.example.com/a.png"><link rel="stylesheet" href="http://example.com/s.css">' +
      '<link rel="canonical" href="http://example.com/"><a href="http://example.com/plain">plain link</a>' +
      '<form action="http://pay.other.net/charge" method="post"><input name="user"><input type="password" name="p"></form>' +
      '<form action="/search"><input name="q"></form><input name="orphan">';
    const content = extractContent(html, 'https://www.example.com/');
    expect(content.inlineScripts).toBe(1);
    expect(content.scriptDomains).toEqual([
      { domain: 'cdn.other.net', src: 'https://cdn.other.net/x.js' },
      { domain: 'tracker.evil.io', src: 'http://tracker.evil.io/t.js' },
    ]);
    expect(content.mixed).toEqual([
      { tag: 'script', url: 'http://tracker.evil.io/t.js', active: true },
      { tag: 'img', url: 'http://img.example.com/a.png', active: false },
      { tag: 'link', url: 'http://example.com/s.css', active: true },
    ]);
    expect(content.insecureForms).toEqual([
      { action: 'http://pay.other.net/charge', method: 'POST', fields: ['user', 'p'], secret: true, elsewhere: true },
    ]);
  });

  it('take every form on an HTTP page as posting over HTTP, and report no mixed content there', () => {
    const content = extractContent(
      '<img src="http://x.example/a.png"><form><input name="q"></form>',
      'http://example.com/',
    );
    expect(content.mixed).toEqual([]);
    expect(content.insecureForms).toEqual([
      { action: 'http://example.com/', method: 'GET', fields: ['q'], secret: false, elsewhere: false },
    ]);
  });

  it('stay bounded on a hostile page full of scripts, forms, links and addresses', () => {
    const chunk =
      '<script src="https://d$.example/x.js"></script><form action="http://f.example/"><input name="card"></form>' +
      '<a href="mailto:u$@example.com">m</a><a href="https://github.com/u$">g</a><p>+44 20 7946 0$$$ x$@example.org</p>';
    const html = Array.from({ length: 3000 }, (_, i) => chunk.replaceAll('$', String(i % 10))).join('');
    const content = extractContent(html, 'https://example.com/');
    expect(content.scriptDomains.length).toBeLessThanOrEqual(200);
    expect(content.insecureForms.length).toBeLessThanOrEqual(50);
    expect(content.emails.length).toBeLessThanOrEqual(100);
    expect(content.socials.length).toBeLessThanOrEqual(100);
    expect(content.phones.length).toBeLessThanOrEqual(50);
    expect(content.scriptDomains.map((s) => s.domain)).toContain('d7.example');
  });
});
