/**
 * Seeded synthetic demand for zone tests and benchmarks: city-like clustered demand cells built directly as typed
 * arrays (no store), and in-memory binning of points into demand cells.
 */
import { cellToLatLng, getHexagonAreaAvg, latLngToCell } from 'h3-js';
import { Random } from '../fixtures/random.ts';
import type { ZoneDemand } from '../engine/zones/demand.ts';

/** Options of {@link syntheticDemand}. */
export interface SyntheticDemandOptions {
  /** Distinct demand cells to produce. */
  cells: number;
  /** H3 resolution. Default 11. */
  res?: number;
  /** Seed. Default 1. */
  seed?: number;
  /** City centre [lat, lng]. Default Paris [48.8566, 2.3522]. */
  centerLatLng?: [number, number];
  /** Number of hotspots. Default max(8, cells / 250). */
  hotspots?: number;
  /** Share of samples drawn around hotspots (the rest is background). Default 0.8. */
  hotspotShare?: number;
}

/** A synthetic hotspot: centre and relative weight. */
export interface SyntheticHotspot {
  lat: number;
  lng: number;
  weight: number;
  /** Standard deviation of its trip ends, metres. */
  sigmaM: number;
}

const M_PER_DEG_LAT = 111_320;

/** A typical 24-hour shape of trip ends (commute peaks at 8 and 17–18 h), sums to 1. */
const HOUR_SHAPE = (() => {
  const raw = [1, 0.5, 0.3, 0.2, 0.3, 0.8, 2, 4, 6, 4.5, 3.5, 4, 5, 4.5, 4, 4.5, 6, 7, 6.5, 5, 4, 3, 2.2, 1.5];
  const s = raw.reduce((a, b) => a + b, 0);
  return raw.map((x) => x / s);
})();

/**
 * City-like clustered demand cells: hotspots of varied size and weight plus a wide background, until `cells`
 * distinct cells exist. Trip ends per cell are heavy-tailed (hot cells get many). Same seed, same demand.
 * @returns the demand (cells in ascending id order) and the hotspots
 * @example
 * const { demand } = syntheticDemand({ cells: 100_000, res: 11 });
 */
export function syntheticDemand(options: SyntheticDemandOptions): { demand: ZoneDemand; hotspots: SyntheticHotspot[] } {
  const res = options.res ?? 11;
  const rnd = new Random(options.seed ?? 1);
  const [lat0, lng0] = options.centerLatLng ?? [48.8566, 2.3522];
  const mPerDegLng = M_PER_DEG_LAT * Math.cos((lat0 * Math.PI) / 180);
  const cellArea = getHexagonAreaAvg(res, 'm2');
  const cityRadiusM = Math.sqrt((options.cells * cellArea * 3) / Math.PI);
  const hotspotCount = options.hotspots ?? Math.max(8, Math.round(options.cells / 250));
  const hotspotShare = options.hotspotShare ?? 0.8;
  const cellEdgeM = Math.sqrt(cellArea / 2.598);

  const hotspots: SyntheticHotspot[] = [];
  const cumulative = new Float64Array(hotspotCount);
  let acc = 0;
  for (let h = 0; h < hotspotCount; h++) {
    const r = (cityRadiusM / 2) * Math.abs(rnd.normal());
    const a = rnd.next() * 2 * Math.PI;
    const weight = Math.exp(rnd.normal() * 1.2);
    hotspots.push({
      lat: lat0 + (r * Math.sin(a)) / M_PER_DEG_LAT,
      lng: lng0 + (r * Math.cos(a)) / mPerDegLng,
      weight,
      sigmaM: cellEdgeM * (1.5 + rnd.exponential(5)),
    });
    acc += weight;
    cumulative[h] = acc;
  }

  const index = new Map<string, number>();
  const hexes: string[] = [];
  const tripsList: number[] = [];
  const sumLat: number[] = [];
  const sumLng: number[] = [];
  const limit = options.cells * 50;
  for (let sample = 0; hexes.length < options.cells && sample < limit; sample++) {
    let lat: number;
    let lng: number;
    let w: number;
    if (rnd.next() < hotspotShare) {
      const h = hotspots[rnd.pick(cumulative)]!;
      lat = h.lat + (rnd.normal() * h.sigmaM) / M_PER_DEG_LAT;
      lng = h.lng + (rnd.normal() * h.sigmaM) / mPerDegLng;
      w = 1 + Math.floor(rnd.exponential(6));
    } else {
      lat = lat0 + (rnd.normal() * cityRadiusM * 0.6) / M_PER_DEG_LAT;
      lng = lng0 + (rnd.normal() * cityRadiusM * 0.6) / mPerDegLng;
      w = 1 + Math.floor(rnd.exponential(0.8));
    }
    const hex = latLngToCell(lat, lng, res);
    const i = index.get(hex);
    if (i === undefined) {
      index.set(hex, hexes.length);
      hexes.push(hex);
      tripsList.push(w);
      sumLat.push(w * lat);
      sumLng.push(w * lng);
    } else {
      tripsList[i]! += w;
      sumLat[i]! += w * lat;
      sumLng[i]! += w * lng;
    }
  }
  return { demand: buildDemand(hexes, tripsList, res, rnd, undefined, { lat: sumLat, lng: sumLng }), hotspots };
}

/**
 * Bins trip-end points into demand cells in memory (what engine/bin does in SQL), for tests that need no store.
 * @param points trip ends with their local hour
 */
export function demandFromPoints(points: Iterable<{ lat: number; lng: number; hour: number }>, res: number): ZoneDemand {
  const index = new Map<string, number>();
  const hexes: string[] = [];
  const trips: number[] = [];
  const profiles: number[][] = [];
  const sumLat: number[] = [];
  const sumLng: number[] = [];
  for (const p of points) {
    const hex = latLngToCell(p.lat, p.lng, res);
    let i = index.get(hex);
    if (i === undefined) {
      i = hexes.length;
      index.set(hex, i);
      hexes.push(hex);
      trips.push(0);
      profiles.push(new Array<number>(24).fill(0));
      sumLat.push(0);
      sumLng.push(0);
    }
    trips[i]! += 1;
    profiles[i]![p.hour]! += 1;
    sumLat[i]! += p.lat;
    sumLng[i]! += p.lng;
  }
  return buildDemand(hexes, trips, res, null, profiles, { lat: sumLat, lng: sumLng });
}

/**
 * Demand from explicit cells and trip ends (profile: all in hour 8), for hand-checked instances.
 * @param cells hex ids with trip ends; one resolution
 */
export function demandFromCells(cells: readonly { hex: string; trips: number }[], res: number): ZoneDemand {
  const profiles = cells.map((c) => Array.from({ length: 24 }, (_, h) => (h === 8 ? c.trips : 0)));
  return buildDemand(
    cells.map((c) => c.hex),
    cells.map((c) => c.trips),
    res,
    null,
    profiles,
  );
}

/** `sums`: trip-weighted sums of trip-end latitudes and longitudes per cell, for the mean positions (absent: centroids only). */
function buildDemand(
  hexes: string[],
  tripsList: number[],
  res: number,
  rnd: Random | null,
  profiles?: number[][],
  sums?: { lat: number[]; lng: number[] },
): ZoneDemand {
  const order = hexes.map((_, i) => i);
  const ids = hexes.map((h) => BigInt('0x' + h));
  order.sort((a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
  const n = hexes.length;
  const demand: ZoneDemand = {
    res,
    count: n,
    cell: new BigUint64Array(n),
    lat: new Float64Array(n),
    lng: new Float64Array(n),
    trips: new Float64Array(n),
    devices: new Float64Array(n),
    days: new Float64Array(n),
    profile: new Float64Array(n * 24),
    totalTrips: 0,
    ...(sums ? { endLat: new Float64Array(n), endLng: new Float64Array(n) } : {}),
  };
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    if (sums) {
      demand.endLat![r] = sums.lat[i]! / tripsList[i]!;
      demand.endLng![r] = sums.lng[i]! / tripsList[i]!;
    }
    const [lat, lng] = cellToLatLng(hexes[i]!);
    const t = tripsList[i]!;
    demand.cell[r] = ids[i]!;
    demand.lat[r] = lat!;
    demand.lng[r] = lng!;
    demand.trips[r] = t;
    demand.devices[r] = Math.max(1, Math.round(t * 0.7));
    demand.days[r] = Math.min(30, t);
    demand.totalTrips += t;
    if (profiles) {
      for (let h = 0; h < 24; h++) demand.profile[r * 24 + h] = profiles[i]![h]!;
    } else {
      const shift = rnd ? rnd.int(3) - 1 : 0;
      let given = 0;
      for (let h = 0; h < 24; h++) {
        const v = Math.floor(t * HOUR_SHAPE[(h + 24 + shift) % 24]!);
        demand.profile[r * 24 + h] = v;
        given += v;
      }
      demand.profile[r * 24 + 17] += t - given;
    }
  }
  return demand;
}
