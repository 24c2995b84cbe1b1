/**
 * Exactness sweep of latLngToCellBatch against h3-js over many millions of seeded points: uniform worldwide,
 * city clusters, points 1e-15…1e-3 cell widths either side of cell edges, cell vertices, the surroundings of
 * face centres and of the 12 pentagons — at every resolution 0–15. Prints every mismatch and exits non-zero on
 * any. Run: `node bin/run-ts.mjs bench/h3-sweep.ts [millions of uniform points, default 16] [seed]`
 * (the h3-js reference is the slow part: about 1 min per 30 M points on one core).
 */
import * as h3 from 'h3-js';
import { Random } from '../fixtures/random.ts';
import { latLngToCellBatch } from '../engine/h3/index.ts';
import { kernelStats } from '../engine/h3/lat-lng-to-cell.ts';
import { machine } from './bench-util.ts';

const D = Math.PI / 180;
const BATCH = 1 << 20;
const lat = new Float64Array(BATCH);
const lng = new Float64Array(BATCH);
const out = new BigUint64Array(BATCH);

type Fill = (r: Random, lat: Float64Array, lng: Float64Array, n: number, res: number) => number;

const vec = (la: number, lo: number) => [Math.cos(la * D) * Math.cos(lo * D), Math.cos(la * D) * Math.sin(lo * D), Math.sin(la * D)];
const setGeo = (p: number[], i: number) => {
  lat[i] = Math.atan2(p[2]!, Math.hypot(p[0]!, p[1]!)) / D;
  lng[i] = Math.atan2(p[1]!, p[0]!) / D;
};
const uniform = (r: Random, i: number) => {
  lat[i] = Math.asin(r.next() * 2 - 1) / D;
  lng[i] = r.next() * 360 - 180;
};

const FILLS: Record<string, Fill> = {
  uniform: (r, _la, _lo, n) => {
    for (let i = 0; i < n; i++) uniform(r, i);
    return n;
  },
  cities: (r, la, lo, n) => {
    let i = 0;
    while (i < n) {
      uniform(r, i);
      const c0 = la[i]!;
      const c1 = lo[i]!;
      for (let k = 0; k < 5000 && i < n; k++, i++) {
        la[i] = c0 + (r.next() - 0.5) * 0.2;
        lo[i] = c1 + (r.next() - 0.5) * 0.3;
      }
    }
    return n;
  },
  'near cell edges': (r, _la, _lo, n, res) => {
    let i = 0;
    while (i + 26 * 12 <= n) {
      uniform(r, i);
      const cell = h3.latLngToCell(lat[i]!, lng[i]!, res);
      const c = vec(...(h3.cellToLatLng(cell) as [number, number]));
      const ring = h3.cellToBoundary(cell);
      for (let v = 0; v < ring.length; v++) {
        const a = vec(ring[v]![0]!, ring[v]![1]!);
        const b = vec(ring[(v + 1) % ring.length]![0]!, ring[(v + 1) % ring.length]![1]!);
        const m = [0, 1, 2].map((k) => (a[k]! + b[k]!) / 2 + (r.next() - 0.5) * 0.5 * (b[k]! - a[k]!));
        for (let e = -15; e <= -3; e++) {
          for (const t of [10 ** e, -(10 ** e)]) setGeo([0, 1, 2].map((k) => m[k]! + t * (c[k]! - m[k]!)), i++);
        }
      }
    }
    return i;
  },
  'cell vertices': (r, la, lo, n, res) => {
    let i = 0;
    while (i + 10 <= n) {
      uniform(r, i);
      for (const v of h3.cellToBoundary(h3.latLngToCell(la[i]!, lo[i]!, res))) {
        la[i] = v[0]!;
        lo[i++] = v[1]!;
      }
    }
    return i;
  },
  'face centres': (r, la, lo, n) => {
    const centres = h3.getRes0Cells().map((c) => h3.cellToLatLng(c));
    for (let i = 0; i < n; i++) {
      const [c0, c1] = centres[r.int(centres.length)]!;
      la[i] = c0! + (r.next() - 0.5) * 10 ** -r.int(12);
      lo[i] = c1! + (r.next() - 0.5) * 10 ** -r.int(12);
    }
    return n;
  },
  pentagons: (r, la, lo, n, res) => {
    const centres = h3.getPentagons(0).map((c) => h3.cellToLatLng(c));
    const radius = 5 * Math.sqrt(h3.getHexagonAreaAvg(res, 'km2')) / 111;
    for (let i = 0; i < n; i++) {
      const [c0, c1] = centres[r.int(12)]!;
      la[i] = c0! + (r.next() - 0.5) * radius;
      lo[i] = c1! + (r.next() - 0.5) * radius;
    }
    return n;
  },
};

/** Runs the sweep; returns the number of mismatches. */
export function runH3Sweep(uniformMillions: number, seed: number): number {
  const r = new Random(seed);
  let mismatches = 0;
  let total = 0;
  const started = performance.now();
  const delegated0 = kernelStats.delegated;
  for (const [name, fill] of Object.entries(FILLS)) {
    const points = name === 'uniform' ? uniformMillions * 1e6 : name === 'cities' ? uniformMillions * 0.5e6 : 1e6;
    let done = 0;
    for (let batch = 0; done < points; batch++) {
      const res = batch % 16;
      const n = fill(r, lat, lng, Math.min(BATCH, points - done), res);
      if (n === 0) break; // too few points left for one more group
      latLngToCellBatch(lat, lng, res, out, n);
      for (let i = 0; i < n; i++) {
        let want = 0n;
        try {
          want = BigInt('0x' + h3.latLngToCell(lat[i]!, lng[i]!, res));
        } catch {
          // h3-js refuses non-finite points; the kernel gives H3_NULL (0)
        }
        if (out[i] !== want) {
          mismatches++;
          console.log(`MISMATCH ${name}: (${lat[i]}, ${lng[i]}) res ${res}: kernel ${out[i]!.toString(16)}, h3-js ${want.toString(16)}`);
        }
      }
      done += n;
    }
    total += done;
    console.log(`${name}: ${(done / 1e6).toFixed(2)} M points checked, ${mismatches} mismatches so far`);
  }
  const s = (performance.now() - started) / 1000;
  console.log(
    `${(total / 1e6).toFixed(1)} M points in ${s.toFixed(0)} s, ${mismatches} mismatches; ` +
      `${kernelStats.delegated - delegated0} points handed to h3-js by the kernel (edge-near by construction here)`,
  );
  return mismatches;
}

if (process.argv[1]?.endsWith('h3-sweep.ts')) {
  const millions = Number(process.argv[2] ?? 16);
  const seed = Number(process.argv[3] ?? 1);
  console.log(`H3 exactness sweep — ${machine()} — ${millions} M uniform points, seed ${seed}`);
  process.exitCode = runH3Sweep(millions, seed) === 0 ? 0 : 1;
}
