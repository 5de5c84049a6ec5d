/** One candidate of a `srcset` attribute: a URL as written and its descriptors. */
export interface SrcsetCandidate {
  /** The URL exactly as written (not resolved). */
  url: string;
  /** Width descriptor (`800w`), in CSS pixels. */
  width?: number;
  /** Pixel density descriptor (`2x`). */
  density?: number;
}

const WHITESPACE = /[\t\n\f\r ]/;

/**
 * Parses a `srcset` attribute the way HTML's "parse a srcset attribute" algorithm (HTML 4.8.4.3.10) does: URLs run to
 * the next white space (a URL's trailing commas end the candidate), descriptors run to the next comma outside
 * parentheses. Candidates with an invalid descriptor are dropped, as browsers drop them. Pure.
 */
export function parseSrcset(text: string): SrcsetCandidate[] {
  const candidates: SrcsetCandidate[] = [];
  let position = 0;
  while (position < text.length) {
    while (position < text.length && (WHITESPACE.test(text[position] as string) || text[position] === ',')) position++;
    if (position >= text.length) break;
    const start = position;
    while (position < text.length && !WHITESPACE.test(text[position] as string)) position++;
    let url = text.slice(start, position);
    let descriptors: string[] = [];
    if (url.endsWith(',')) {
      url = url.replace(/,+$/, '');
    } else {
      const end = descriptorEnd(text, position);
      descriptors = text.slice(position, end).trim().split(/[\t\n\f\r ]+/).filter(Boolean);
      position = end + 1;
    }
    const candidate = withDescriptors(url, descriptors);
    if (candidate && url !== '') candidates.push(candidate);
  }
  return candidates;
}

// A descriptor list ends at the first comma that is not inside parentheses (future descriptors may hold commas).
function descriptorEnd(text: string, from: number): number {
  let depth = 0;
  for (let index = from; index < text.length; index++) {
    const char = text[index];
    if (char === '(') depth++;
    else if (char === ')') depth = Math.max(0, depth - 1);
    else if (char === ',' && depth === 0) return index;
  }
  return text.length;
}

function withDescriptors(url: string, descriptors: readonly string[]): SrcsetCandidate | undefined {
  const candidate: SrcsetCandidate = { url };
  for (const descriptor of descriptors) {
    const match = /^(\d*\.?\d+(?:e[+-]?\d+)?)([wxh])$/i.exec(descriptor);
    if (!match) return undefined;
    const value = Number(match[1]);
    const kind = (match[2] as string).toLowerCase();
    if (kind === 'w') {
      if (candidate.width !== undefined || candidate.density !== undefined || !Number.isInteger(value) || value <= 0) return undefined;
      candidate.width = value;
    } else if (kind === 'x') {
      if (candidate.width !== undefined || candidate.density !== undefined || value < 0) return undefined;
      candidate.density = value;
    }
    // `h` (future-compat height descriptor) is allowed and ignored.
  }
  return candidate;
}

/** A candidate plus whether it came from a lazy-loading attribute, for {@link pickLargest}. */
export interface RankedCandidate extends SrcsetCandidate {
  /** From `data-src`, `data-srcset` and the like: the real image behind a placeholder `src`. */
  isLazy?: boolean;
}

/**
 * Picks the largest candidate: the widest by width descriptor when any candidate has one, else the highest density
 * (a candidate without descriptors counts as 1x). Ties go to lazy-loading candidates (the placeholder `src` loses),
 * then to the first in document order. Returns the index of the winner, or -1 for an empty list. Pure.
 */
export function pickLargest(candidates: readonly RankedCandidate[]): number {
  const hasWidths = candidates.some((candidate) => candidate.width !== undefined);
  const score = (candidate: RankedCandidate) => (hasWidths ? (candidate.width ?? 0) : (candidate.density ?? 1));
  let best = -1;
  for (let index = 0; index < candidates.length; index++) {
    const candidate = candidates[index] as RankedCandidate;
    if (best === -1) {
      best = index;
      continue;
    }
    const leader = candidates[best] as RankedCandidate;
    const difference = score(candidate) - score(leader);
    if (difference > 0 || (difference === 0 && candidate.isLazy && !leader.isLazy)) best = index;
  }
  return best;
}
