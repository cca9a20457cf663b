import type { Grey } from './pixels';

/** What the checks read off a page's greyscale image. */
export interface Measures {
  /** Brightness of the paper (95th percentile) and of the darkest marks (0.5th percentile), 0–255. */
  paper: number;
  darkest: number;
  mean: number;
  /** Share of pixels clearly darker than the paper (text, lines, stamps). */
  ink: number;
  /** Share of pixels at all darker than the paper (faint marks count here). */
  marks: number;
  /** Angle in degrees that lines the ink up best (0 = level), when there is ink enough to tell. */
  skew?: number;
  /** Where the ink lies (see `inkMap`), to find the same page delivered twice. */
  inkMap: Uint8Array;
}

function percentile(hist: Uint32Array, total: number, p: number): number {
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += hist[v]!;
    if (seen >= total * p) return v;
  }
  return 255;
}

export function measure(g: Grey): Measures {
  const hist = new Uint32Array(256);
  let sum = 0;
  for (const v of g.data) {
    hist[v]!++;
    sum += v;
  }
  const n = g.data.length;
  const paper = percentile(hist, n, 0.95);
  const darkest = percentile(hist, n, 0.005);
  const inkBelow = paper - Math.max(50, paper * 0.3);
  let ink = 0;
  let marks = 0;
  for (let v = 0; v < 256; v++) {
    if (v < inkBelow) ink += hist[v]!;
    if (v < paper - 20) marks += hist[v]!;
  }
  const m: Measures = { paper, darkest, mean: sum / n, ink: ink / n, marks: marks / n, inkMap: inkMap(g, inkBelow) };
  if (ink / n >= 0.002) m.skew = skewOf(g, inkBelow);
  return m;
}

/** Cells of the ink map two pages are compared on. */
const MAP_W = 32;
const MAP_H = 44;

/**
 * How far two pages' ink maps are apart: the ink that differs over the ink there is (0 = the same
 * page, 1 = nothing in common). Stops counting once past `limit`: most pairs differ early.
 */
export function inkDifference(a: Uint8Array, b: Uint8Array, limit = 1): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += a[i]! + b[i]!;
  if (!total) return 0;
  const stop = limit * total;
  let diff = 0;
  for (let i = 0; i < a.length && diff <= stop; i++) diff += Math.abs(a[i]! - b[i]!);
  return diff / total;
}

/**
 * Share of ink per cell of a 32 × 44 grid (0–255). A perceptual hash (dHash) cannot tell two
 * pages of a register apart: they are the same printed form, and what differs (the handwriting
 * in its fields) is too little of the page to flip its bits. Where the ink lies can.
 */
function inkMap(g: Grey, inkBelow: number): Uint8Array {
  const ink = new Uint32Array(MAP_W * MAP_H);
  const all = new Uint32Array(MAP_W * MAP_H);
  const col = Uint32Array.from({ length: g.width }, (_, x) => Math.min(MAP_W - 1, Math.floor((x * MAP_W) / g.width)));
  for (let y = 0, i = 0; y < g.height; y++) {
    const r = Math.min(MAP_H - 1, Math.floor((y * MAP_H) / g.height)) * MAP_W;
    for (let x = 0; x < g.width; x++, i++) {
      const o = r + col[x]!;
      all[o]!++;
      if (g.data[i]! < inkBelow) ink[o]!++;
    }
  }
  return Uint8Array.from(ink, (v, o) => (all[o] ? Math.round((255 * v) / all[o]!) : 0));
}

/**
 * Projection profile: the shear that makes rows of ink the most uneven (text lines sharp, gaps
 * empty) is the page's skew. Tried from −10° to 10° by half degrees on the shrunk image.
 */
function skewOf(g: Grey, inkBelow: number): number {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let y = 0; y < g.height; y++) for (let x = 0; x < g.width; x++) if (g.data[y * g.width + x]! < inkBelow) xs.push(x), ys.push(y);
  const span = g.height + g.width;
  const bins = new Float64Array(span * 2);
  let best = 0;
  let bestScore = -1;
  for (let tenth = -100; tenth <= 100; tenth += 5) {
    const t = Math.tan((tenth / 10) * (Math.PI / 180));
    bins.fill(0);
    for (let i = 0; i < xs.length; i++) bins[Math.round(ys[i]! - xs[i]! * t) + span]!++;
    let score = 0;
    for (const c of bins) score += c * c;
    if (score > bestScore) [bestScore, best] = [score, tenth / 10];
  }
  return best;
}
