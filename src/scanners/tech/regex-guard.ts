// A static check that a signature pattern cannot backtrack catastrophically: every quantifier is
// bounded, no quantified group holds another quantifier or an alternation, no backreferences, and
// the product of the variable quantifiers' spans stays small. Signatures run on hostile pages, so
// a pattern added later that breaks these rules is refused when the set loads.

/** The largest upper bound a quantifier may have. */
export const MAX_REPEAT = 256;
/** The largest product of (max - min + 1) over a pattern's variable quantifiers. */
export const MAX_SPAN_PRODUCT = 5_000;

interface Frame {
  quantified: boolean;
  alternation: boolean;
}

interface Atom {
  /** The atom is a group holding a quantifier or an alternation. */
  quantified: boolean;
  alternation: boolean;
}

/** Reads a quantifier at `i`, if one starts there: its bounds and where it ends. */
function readQuantifier(source: string, i: number): { min: number; max: number; end: number } | undefined {
  const c = source[i];
  if (c === '*') return { min: 0, max: Number.POSITIVE_INFINITY, end: i + 1 };
  if (c === '+') return { min: 1, max: Number.POSITIVE_INFINITY, end: i + 1 };
  if (c === '?') return { min: 0, max: 1, end: i + 1 };
  if (c !== '{') return undefined;
  const match = /^\{(\d{1,6})(,(\d{0,6}))?\}/.exec(source.slice(i, i + 16));
  if (!match) return undefined;
  const min = Number(match[1]);
  const max = match[2] === undefined ? min : match[3] === '' ? Number.POSITIVE_INFINITY : Number(match[3]);
  return { min, max, end: i + match[0].length };
}

/** Where the character class opening at `i` ends (the index after its `]`). */
function skipClass(source: string, i: number): number {
  let j = i + 1;
  if (source[j] === '^') j++;
  if (source[j] === ']') j++;
  while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
  return j + 1;
}

/** The problems that make `source` unsafe to run on hostile input; empty when it is safe. */
export function regexProblems(source: string): string[] {
  const problems: string[] = [];
  const stack: Frame[] = [{ quantified: false, alternation: false }];
  let atom: Atom | undefined;
  let spanProduct = 1;
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    const frame = stack[stack.length - 1] as Frame;
    const quantifier = atom ? readQuantifier(source, i) : undefined;
    if (quantifier && atom) {
      if (!Number.isFinite(quantifier.max)) problems.push(`unbounded quantifier at ${i}: use {min,max}`);
      else if (quantifier.max > MAX_REPEAT) problems.push(`quantifier at ${i} allows more than ${MAX_REPEAT}`);
      else spanProduct *= quantifier.max - quantifier.min + 1;
      if (quantifier.max > 1 && atom.quantified) problems.push(`nested quantifier at ${i}`);
      if (quantifier.max > 1 && atom.alternation) problems.push(`repeated alternation at ${i}`);
      frame.quantified = true;
      atom = undefined;
      // A lazy or possessive-looking suffix belongs to the quantifier.
      i = source[quantifier.end] === '?' ? quantifier.end + 1 : quantifier.end;
      continue;
    }
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (/[1-9]/.test(next) || (next === 'k' && source[i + 2] === '<')) problems.push(`backreference at ${i}`);
      atom = { quantified: false, alternation: false };
      i += 2;
    } else if (c === '[') {
      atom = { quantified: false, alternation: false };
      i = skipClass(source, i);
    } else if (c === '(') {
      stack.push({ quantified: false, alternation: false });
      atom = undefined;
      const prefix = /^\(\?(?:[:=!]|<[=!]|<[A-Za-z_][A-Za-z0-9_]*>)/.exec(source.slice(i, i + 40));
      i += prefix ? prefix[0].length : 1;
    } else if (c === ')') {
      const closed = stack.length > 1 ? (stack.pop() as Frame) : frame;
      const parent = stack[stack.length - 1] as Frame;
      parent.quantified ||= closed.quantified;
      parent.alternation ||= closed.alternation;
      atom = { quantified: closed.quantified, alternation: closed.alternation };
      i++;
    } else if (c === '|') {
      frame.alternation = true;
      atom = undefined;
      i++;
    } else if (c === '^' || c === '$') {
      atom = undefined;
      i++;
    } else {
      atom = { quantified: false, alternation: false };
      i++;
    }
  }
  if (spanProduct > MAX_SPAN_PRODUCT) {
    problems.push(`the variable quantifiers allow ${spanProduct} combinations (at most ${MAX_SPAN_PRODUCT})`);
  }
  return problems;
}
