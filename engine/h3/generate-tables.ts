/**
 * Generates `tables.ts` by asking h3-js (the reference) about the icosahedron and its base cells, then fitting
 * the integer tables that tie face lattices to base cells against h3-js answers for sampled points.
 * Run: `node bin/run-ts.mjs engine/h3/generate-tables.ts` (a few seconds). Prints a self-check and exits non-zero
 * when any table entry is ambiguous or any sampled point disagrees with h3-js.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as h3 from 'h3-js';
import { AP7_ROT_RADS, RES0_UNIT_GNOMONIC, SIN60, positiveAngle } from './geometry.ts';
import { FRAME, FRAME_STRIDE, buildFaceFrames, hex2dScales, projectOnFace } from './face-frames.ts';
import { roundAxial } from './round-axial.ts';
import { climbToDigits } from './climb.ts';
import { finishCell, type BaseCellTables } from './face-ijk-to-cell.ts';

const DEG = Math.PI / 180;
/** pentagonCwFace value for a (pentagon, face) pair whose turn direction no sample exercised. */
const UNSEEN = 2;

/** mulberry32: a seeded uniform [0, 1) generator, so the generated tables do not depend on the run. */
function makeRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A point in radians as h3-js converts degrees. */
function rads(deg: number): number {
  return (deg * Math.PI) / 180;
}

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);

/** The radian value h3-js printed as `deg` (its radsToDegs is (rad·180)/π): the nearest double that maps back. */
function radsPrinted(deg: number): number {
  const x0 = rads(deg);
  for (const step of [0, 1, -1, 2, -2, 3, -3]) {
    f64[0] = x0;
    i64[0]! += BigInt(step);
    if ((f64[0]! * 180) / Math.PI === deg) return f64[0]!;
  }
  return x0;
}

function unit(latDeg: number, lngDeg: number): [number, number, number] {
  const la = rads(latDeg);
  const lo = rads(lngDeg);
  return [Math.cos(lo) * Math.cos(la), Math.sin(lo) * Math.cos(la), Math.sin(la)];
}

function angleBetween(a: number[], b: number[]): number {
  return Math.acos(Math.min(1, a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!));
}

function azimuth(lat1: number, lng1: number, lat2: number, lng2: number): number {
  return Math.atan2(
    Math.cos(lat2) * Math.sin(lng2 - lng1),
    Math.cos(lat1) * Math.sin(lat2) - Math.sin(lat1) * Math.cos(lat2) * Math.cos(lng2 - lng1),
  );
}

/** Face centres: the resolution-0 cells farthest from every pentagon are centred on faces. */
function recoverFaceCenters(): { lat: Float64Array; lng: Float64Array; faceCell: string[] } {
  const pentagons = h3.getPentagons(0).map((c) => unit(...(h3.cellToLatLng(c) as [number, number])));
  const lat = new Float64Array(20);
  const lng = new Float64Array(20);
  const faceCell: string[] = [];
  for (const cell of h3.getRes0Cells()) {
    const [la, lo] = h3.cellToLatLng(cell) as [number, number];
    const nearest = Math.min(...pentagons.map((p) => angleBetween(p, unit(la, lo))));
    if (nearest < 0.6) continue; // 0.6524 rad at face centres, ≤ 0.38 elsewhere
    const faces = h3.getIcosahedronFaces(cell);
    if (faces.length !== 1) throw new Error(`face-centred cell ${cell} reported on faces ${faces}`);
    const f = faces[0]!;
    lat[f] = radsPrinted(la);
    lng[f] = radsPrinted(lo);
    faceCell[f] = cell;
  }
  if (faceCell.filter(Boolean).length !== 20) throw new Error('did not find 20 face-centred base cells');
  return { lat, lng, faceCell };
}

/**
 * The azimuth of each face's i-axis. The three icosahedron vertices around a face lie along its axes, so the
 * candidates are the six directions to or away from them; the right one is where the face-centred base cell
 * needs no rotation (fitted afterwards: `rotationsAtCenter` tells how far each candidate is off).
 */
function axisCandidates(lat: Float64Array, lng: Float64Array): number[][] {
  const pentagons = h3.getPentagons(0).map((c) => h3.cellToLatLng(c) as [number, number]);
  const out: number[][] = [];
  for (let f = 0; f < 20; f++) {
    const c = [Math.cos(lat[f]!) * Math.cos(lng[f]!), Math.cos(lat[f]!) * Math.sin(lng[f]!), Math.sin(lat[f]!)];
    const near = pentagons
      .map(([la, lo]) => ({ la: radsPrinted(la), lo: radsPrinted(lo), d: angleBetween(c, unit(la, lo)) }))
      .sort((p, q) => p.d - q.d)
      .slice(0, 3);
    const az = near.map((p) => positiveAngle(azimuth(lat[f]!, lng[f]!, p.la, p.lo)));
    out.push([...az, ...az.map((a) => positiveAngle(a + Math.PI))].sort((p, q) => p - q));
  }
  return out;
}

interface Sample {
  face: number;
  res: number;
  digits: Uint8Array;
  cell: string;
}

/** Margin (hex units) a sample must keep from every cell edge to be used for fitting. */
const FIT_MARGIN = 1e-6;

/** Projects degrees to (face, res-0 table entry, face-frame digits), or null near an edge or face boundary. */
function locate(frames: Float64Array, scales: Float64Array, latDeg: number, lngDeg: number, res: number) {
  const [x, y, z] = unit(latDeg, lngDeg);
  let best = 0;
  let bestSqd = 9;
  let second = 9;
  for (let f = 0; f < 20; f++) {
    const o = f * FRAME_STRIDE + FRAME.center;
    const sqd = (frames[o]! - x) ** 2 + (frames[o + 1]! - y) ** 2 + (frames[o + 2]! - z) ** 2;
    if (sqd < bestSqd) {
      second = bestSqd;
      bestSqd = sqd;
      best = f;
    } else if (sqd < second) second = sqd;
  }
  if (second - bestSqd < 1e-9) return null;
  const xy = new Float64Array(2);
  projectOnFace(frames, scales, best, res, x, y, z, xy);
  const ax = new Int32Array(2);
  if (roundAxial(xy[0]!, xy[1]!, ax) < FIT_MARGIN) return null;
  const digits = new Uint8Array(16);
  const entry = climbToDigits(ax[0]!, ax[1]!, res, best, digits);
  return { face: best, entry, digits };
}

/** Degrees of the point at hex2d (hx, hy) of a face's resolution-`res` grid (inverse of the fast projection). */
function pointOnFace(frames: Float64Array, scales: Float64Array, face: number, res: number, hx: number, hy: number) {
  const o = face * FRAME_STRIDE;
  const ao = o + ((res & 1) === 1 ? FRAME.a3 : FRAME.a2);
  // α and β are the dual basis of the hex2d axes in the tangent plane: recover the x and y axis vectors.
  const alpha = [0, 1, 2].map((k) => frames[ao + k]!);
  const beta = [0, 1, 2].map((k) => frames[ao + 3 + k]!);
  const w = beta.map((v) => v * SIN60);
  const u = alpha.map((v, k) => v - beta[k]! / 2);
  const gx = hx / scales[res]!;
  const gy = hy / scales[res]!;
  const p = [0, 1, 2].map((k) => frames[o + k]! + gx * u[k]! + gy * w[k]!);
  const n = Math.hypot(p[0]!, p[1]!, p[2]!);
  return [Math.asin(p[2]! / n) / DEG, Math.atan2(p[1]!, p[0]!) / DEG] as const;
}

/** Random points worldwide plus dense points around every resolution-0 position of every face and pentagon. */
function collectSamples(frames: Float64Array, scales: Float64Array, perPosition: number): Map<number, Sample[]> {
  const random = makeRandom(20240611);
  const byEntry = new Map<number, Sample[]>();
  const add = (latDeg: number, lngDeg: number, res: number) => {
    const loc = locate(frames, scales, latDeg, lngDeg, res);
    if (!loc || loc.entry < 0) return;
    let list = byEntry.get(loc.entry);
    if (!list) byEntry.set(loc.entry, (list = []));
    // Keep 400 samples per entry, and up to 400 more that lead with a K digit (the pentagon turns hinge on them).
    const leadsWithK = loc.digits.slice(1, res + 1).find((d) => d !== 0) === 1;
    if (list.length < 400 || (leadsWithK && list.length < 800)) {
      list.push({ face: loc.face, res, digits: loc.digits, cell: h3.latLngToCell(latDeg, lngDeg, res) });
    }
  };
  for (let s = 0; s < 200_000; s++) {
    add((Math.asin(random() * 2 - 1) * 180) / Math.PI, random() * 360 - 180, s % 16);
  }
  // Around each pentagon, at log-uniform distances (1e-6° … 20°): where its digits' turns are decided.
  for (const p of h3.getPentagons(0)) {
    const [pla, plo] = h3.cellToLatLng(p) as [number, number];
    for (let s = 0; s < 40_000; s++) {
      const rDeg = 20 * 10 ** (-6 * random());
      const ang = random() * 2 * Math.PI;
      add(pla + rDeg * Math.sin(ang), plo + (rDeg * Math.cos(ang)) / Math.cos(pla * DEG), s % 16);
    }
  }
  for (let f = 0; f < 20; f++) {
    for (let i = 0; i <= 2; i++) {
      for (let j = 0; j <= 2; j++) {
        for (let k = 0; k <= 2; k++) {
          if (Math.min(i, j, k) !== 0) continue;
          const a = i - k;
          const b = j - k;
          for (let s = 0; s < perPosition; s++) {
            // Around the position, ever closer at finer resolutions so pentagon neighbourhoods get all digits.
            const res = s % 16;
            const spread = 1.5 * Math.pow(7, -(random() * res) / 2);
            const ang = random() * 2 * Math.PI;
            const rr = spread * Math.sqrt(random());
            const [la, lo] = pointOnFace(frames, scales, f, 0, a - 0.5 * b + rr * Math.cos(ang), b * SIN60 + rr * Math.sin(ang));
            add(la, lo, res);
          }
        }
      }
    }
  }
  return byEntry;
}

function fitsAll(t: BaseCellTables, entry: number, samples: Sample[]): boolean {
  const out32 = new Uint32Array(2);
  const out64 = new BigUint64Array(out32.buffer);
  for (const s of samples) {
    if (!finishCell(t, entry, s.face, s.digits.slice(), s.res, out32, 0)) return false;
    if (out64[0]!.toString(16) !== s.cell) return false;
  }
  return true;
}

/** Fits base cell, rotation count and (pentagons) the clockwise-face flag of every sampled table entry. */
function fitTables(byEntry: Map<number, Sample[]>): { tables: BaseCellTables; problems: string[] } {
  const t: BaseCellTables = {
    faceIjkBaseCell: new Int8Array(540).fill(-1),
    faceIjkRotations: new Int8Array(540),
    isPentagon: new Uint8Array(122),
    pentagonCwFace: new Uint8Array(122 * 20),
  };
  for (const c of h3.getPentagons(0)) t.isPentagon[h3.getBaseCellNumber(c)] = 1;
  const problems: string[] = [];
  // candidate (rotation, cw) pairs per entry
  const options = new Map<number, { bc: number; fits: [number, number][] }>();
  for (const [entry, samples] of byEntry) {
    const bcs = new Set(samples.map((s) => h3.getBaseCellNumber(s.cell)));
    if (bcs.size !== 1) {
      problems.push(`entry ${entry}: samples in base cells ${[...bcs]}`);
      continue;
    }
    const bc = [...bcs][0]!;
    const face = Math.floor(entry / 27);
    t.faceIjkBaseCell[entry] = bc;
    const fits: [number, number][] = [];
    for (let cw = 0; cw < (t.isPentagon[bc] ? 2 : 1); cw++) {
      t.pentagonCwFace[bc * 20 + face] = cw;
      for (let n = 0; n < 6; n++) {
        t.faceIjkRotations[entry] = n;
        if (fitsAll(t, entry, samples)) fits.push([n, cw]);
      }
    }
    if (fits.length === 0) problems.push(`entry ${entry} (base cell ${bc}): no rotation fits`);
    options.set(entry, { bc, fits });
  }
  // A pentagon's clockwise flag is per (base cell, face): take the value every entry of that pair accepts.
  const pairs = new Map<number, number[]>();
  for (const [entry, o] of options) {
    if (!t.isPentagon[o.bc]) continue;
    const key = o.bc * 20 + Math.floor(entry / 27);
    const list = pairs.get(key) ?? [];
    list.push(entry);
    pairs.set(key, list);
  }
  for (const [key, entries] of pairs) {
    const ok = [0, 1].filter((cw) => entries.every((e) => options.get(e)!.fits.some(([, c]) => c === cw)));
    if (ok.length === 0) problems.push(`pentagon ${Math.floor(key / 20)} face ${key % 20}: no clockwise flag fits`);
    // No sample on this face starts with a K digit: the turn is never needed; mark it so the kernel defers.
    t.pentagonCwFace[key] = ok.length === 1 ? ok[0]! : UNSEEN;
  }
  for (const [entry, o] of options) {
    const cw = t.isPentagon[o.bc] ? t.pentagonCwFace[o.bc * 20 + Math.floor(entry / 27)]! % UNSEEN : 0;
    const ns = o.fits.filter(([, c]) => c === cw).map(([n]) => n);
    // Five pentagon turns equal one full turn, so 0 and 5 both fit there: keep the smallest.
    const distinct = t.isPentagon[o.bc] ? [...new Set(ns.map((n) => n % 5))] : ns;
    if (distinct.length > 1) problems.push(`entry ${entry} (base cell ${o.bc}): rotations ${ns} all fit`);
    t.faceIjkRotations[entry] = Math.min(...ns);
  }
  return { tables: t, problems };
}

function main(): void {
  const started = Date.now();
  const centers = recoverFaceCenters();
  const candidates = axisCandidates(centers.lat, centers.lng);
  const scales = hex2dScales(RES0_UNIT_GNOMONIC);
  // First pass with candidate 0 everywhere: the rotation found at each face centre says how far off it is.
  const axis0 = new Float64Array(candidates.map((c) => c[0]!));
  const pass0 = collectSamples(buildFaceFrames(centers.lat, centers.lng, axis0, AP7_ROT_RADS), scales, 200);
  const fit0 = fitTables(pass0).tables;
  const axis = new Float64Array(20);
  for (let f = 0; f < 20; f++) axis[f] = candidates[f]![fit0.faceIjkRotations[f * 27]!]!;
  const frames = buildFaceFrames(centers.lat, centers.lng, axis, AP7_ROT_RADS);
  const { tables, problems } = fitTables(collectSamples(frames, scales, 3000));
  for (let f = 0; f < 20; f++) {
    if (tables.faceIjkRotations[f * 27] !== 0) problems.push(`face ${f}: centre cell still rotated`);
  }
  // Self-check on fresh random points: every decided point must agree with h3-js.
  const random = makeRandom(99);
  let checked = 0;
  let disagree = 0;
  let missing = 0;
  const out32 = new Uint32Array(2);
  const out64 = new BigUint64Array(out32.buffer);
  for (let s = 0; s < 200_000; s++) {
    const la = (Math.asin(random() * 2 - 1) * 180) / Math.PI;
    const lo = random() * 360 - 180;
    const res = s % 16;
    const loc = locate(frames, scales, la, lo, res);
    if (!loc) continue;
    if (!finishCell(tables, loc.entry, loc.face, loc.digits.slice(), res, out32, 0)) {
      if (process.env.DEBUG) console.log('missing', la, lo, res, loc.face, tables.faceIjkBaseCell[loc.entry], [...loc.digits.slice(1, res + 1)].join(''), h3.latLngToCell(la, lo, res));
      missing++;
      continue;
    }
    checked++;
    if (out64[0]!.toString(16) !== h3.latLngToCell(la, lo, res)) disagree++;
  }
  console.log(`self-check: ${checked} points, ${disagree} disagree, ${missing} with no table entry`);
  if (disagree) problems.push(`${disagree} self-check points disagree with h3-js`);
  for (const p of problems) console.error('problem:', p);
  writeFileSync(new URL('./tables.ts', import.meta.url), render(centers, axis, tables));
  console.log(`wrote engine/h3/tables.ts in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (problems.length) process.exitCode = 1;
}

function list(values: ArrayLike<number>): string {
  return Array.from(values, (v) => String(v)).join(', ');
}

function render(centers: { lat: Float64Array; lng: Float64Array }, axis: Float64Array, t: BaseCellTables): string {
  const pentagons = [...t.isPentagon.keys()].filter((bc) => t.isPentagon[bc]);
  const cw: number[] = [];
  const unseen: number[] = [];
  t.pentagonCwFace.forEach((v, i) => (v === 1 ? cw.push(i) : v === UNSEEN ? unseen.push(i) : 0));
  return `// Generated by engine/h3/generate-tables.ts from h3-js ${h3Version()}. Do not edit.
/** Latitude of each icosahedron face centre, radians (as h3-js reports them). */
export const FACE_CENTER_LAT_RADS = [${list(centers.lat)}];
/** Longitude of each icosahedron face centre, radians. */
export const FACE_CENTER_LNG_RADS = [${list(centers.lng)}];
/** Azimuth of each face's Class II i-axis from its centre, radians clockwise from north. */
export const FACE_AXIS_AZ_RADS = [${list(axis)}];
/** Base cell at each resolution-0 position (face·27 + i·9 + j·3 + k); −1 where no point lands. */
export const FACE_IJK_BASE_CELL = Int8Array.of(${list(t.faceIjkBaseCell)});
/** Counter-clockwise 60° turns from the face frame to the base cell's frame, same index. */
export const FACE_IJK_ROTATIONS = Int8Array.of(${list(t.faceIjkRotations)});
/** The 12 pentagon base cells. */
export const PENTAGON_BASE_CELLS = [${list(pentagons)}];
/** bc·20 + face pairs where a pentagon's leading K digit turns clockwise (other pairs turn counter-clockwise). */
export const PENTAGON_CW_FACES = [${list(cw)}];
/** bc·20 + face pairs where no sampled point led with a K digit (the kernel defers such points to h3-js). */
export const PENTAGON_UNSEEN_K_FACES = [${list(unseen)}];
`;
}

function h3Version(): string {
  return (createRequire(import.meta.url)('h3-js/package.json') as { version: string }).version;
}

// Only when run as a script, so that importing this file (type checks, tooling) never rewrites tables.ts.
if (process.argv[1]?.endsWith('generate-tables.ts')) main();
