import zlib from 'node:zlib';
import {
  DemandTileSource, demandCells, listProviders, providerTrips, releaseFilter, resForZoom, suppressCells, type CellColumns, type DemandFilter, type ProviderTrips, type Store,
} from '../engine/index.ts';
import { ViewportCells } from './viewport-cells.ts';

/** Demand cells as served: maybe suppressed (`suppression` set), always at one resolution. */
export type ServedCells = CellColumns & { suppression?: { k: number; suppressedCells: number } };

/** Resolution whose shown atoms make the provider counts of non-admins. */
export const PROVIDER_COUNT_RES = 7;

/** A response body, plain and (made on first demand) gzipped. */
export class EncodedBody {
  private gz: Promise<Buffer> | null = null;
  constructor(readonly plain: Buffer) {}
  /** The gzipped body (level 6), computed once. */
  gzipped(): Promise<Buffer> {
    this.gz ??= new Promise((resolve, reject) => zlib.gzip(this.plain, { level: 6 }, (e, b) => (e ? reject(e) : resolve(b))));
    return this.gz;
  }
}

/** A tiny LRU map. */
class Lru<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly max: number) {}
  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: K, v: V): void {
    this.map.delete(key);
    this.map.set(key, v);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
  delete(key: K): void {
    this.map.delete(key);
  }
  clear(): void {
    this.map.clear();
  }
}

/**
 * Memoises demand cells, tile sources and encoded tiles per (resolution, filter, k), so that map panning costs
 * no query. {@link invalidate} after every change of the trips (an upload) drops them all.
 * `k` null means unsuppressed (admin); otherwise cells below k are left out before anything is cached.
 */
export class DemandCache {
  private version = 0;
  private readonly cells = new Lru<string, Promise<ServedCells>>(48);
  private readonly sources = new Lru<string, Promise<DemandTileSource>>(48);
  private readonly tiles = new Lru<string, Uint8Array>(4000);
  private readonly bodies = new Lru<string, Promise<EncodedBody>>(32);
  private readonly viewports = new Lru<string, Promise<ViewportCells>>(4);
  private providerList: Promise<string[]> | null = null;
  private readonly providerCounts = new Map<number | null, Promise<ProviderTrips[]>>();

  constructor(private readonly store: Store) {}

  /** Forgets everything (the trips changed). */
  invalidate(): void {
    this.version++;
    this.cells.clear();
    this.sources.clear();
    this.tiles.clear();
    this.bodies.clear();
    this.viewports.clear();
    this.providerList = null;
    this.providerCounts.clear();
  }

  /** Provider ids present in the trips. */
  providers(): Promise<string[]> {
    if (!this.providerList) {
      const p = listProviders(this.store);
      p.catch(() => (this.providerList = null));
      this.providerList = p;
    }
    return this.providerList;
  }

  /**
   * Provider ids with their stored trips (k null: all shown). Otherwise each count is the sum of the provider's shown
   * atoms at resolution {@link PROVIDER_COUNT_RES} (the whole-city total of `/api/cells?res=7&providers=ID` in the
   * city's time zone `tz`), left out when 0: a count that is itself a sum of atoms of at least k.
   */
  providerTrips(k: number | null, tz: string): Promise<ProviderTrips[]> {
    let p = this.providerCounts.get(k);
    if (!p) {
      p = providerTrips(this.store, { k: null });
      if (k !== null) {
        p = p.then((all) =>
          Promise.all(
            all.map(async ({ trips: _raw, ...named }) => {
              const shown = (await this.demand(PROVIDER_COUNT_RES, releaseFilter({ providers: [named.id] }, tz), k)).totalTrips;
              return shown > 0 ? { ...named, trips: shown } : named;
            }),
          ),
        );
      }
      p.catch(() => this.providerCounts.delete(k));
      this.providerCounts.set(k, p);
    }
    return p;
  }

  private key(res: number, filter: DemandFilter, k: number | null): string {
    return JSON.stringify([this.version, res, k, filter.from, filter.to, filter.hours, filter.days, filter.providers, filter.tz]);
  }

  /** Demand cells for a resolution and filter, suppressed at k (null: not at all). */
  demand(res: number, filter: DemandFilter, k: number | null): Promise<ServedCells> {
    const key = this.key(res, filter, k);
    let p = this.cells.get(key);
    if (!p) {
      // Non-admins: only atoms of at least k count (engine/bin atomK), then cells left empty are dropped.
      p = k === null ? demandCells(this.store, { res, filter }) : demandCells(this.store, { res, filter, atomK: k }).then((c) => suppressCells(c, k));
      p.catch(() => this.cells.delete(key));
      this.cells.set(key, p);
    }
    return p;
  }

  /**
   * An encoded response body of demand cells (GeoJSON or Arrow) for a resolution, filter and k, built once per
   * version of the data.
   */
  body(res: number, filter: DemandFilter, k: number | null, format: string, encode: (cells: ServedCells) => Uint8Array | string): Promise<EncodedBody> {
    const key = `${this.key(res, filter, k)}/${format}`;
    let p = this.bodies.get(key);
    if (!p) {
      p = this.demand(res, filter, k).then((c) => {
        const out = encode(c);
        return new EncodedBody(typeof out === 'string' ? Buffer.from(out) : Buffer.from(out.buffer, out.byteOffset, out.byteLength));
      });
      p.catch(() => this.bodies.delete(key));
      this.bodies.set(key, p);
    }
    return p;
  }

  /** The cells of {@link demand} indexed for answering boxes (`GET /api/cells?bbox=…`), built once per version of the data. */
  viewport(res: number, filter: DemandFilter, k: number | null): Promise<ViewportCells> {
    const key = this.key(res, filter, k);
    let p = this.viewports.get(key);
    if (!p) {
      p = this.demand(res, filter, k).then((c) => new ViewportCells(c));
      p.catch(() => this.viewports.delete(key));
      this.viewports.set(key, p);
    }
    return p;
  }

  /** Vector tile z/x/y of demand cells at the resolution for z. */
  async tile(z: number, x: number, y: number, filter: DemandFilter, k: number | null): Promise<Uint8Array> {
    const res = resForZoom(z);
    const key = this.key(res, filter, k);
    const tileKey = `${key}/${z}/${x}/${y}`;
    const hit = this.tiles.get(tileKey);
    if (hit) return hit;
    let src = this.sources.get(key);
    if (!src) {
      src = this.demand(res, filter, k).then((c) => new DemandTileSource(c));
      src.catch(() => this.sources.delete(key));
      this.sources.set(key, src);
    }
    const bytes = (await src).tile(z, x, y);
    this.tiles.set(tileKey, bytes);
    return bytes;
  }
}
