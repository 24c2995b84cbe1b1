import type { CellNeighbourIndex } from './cell-neighbours.ts';
import type { CandidateSites } from './candidate-sites.ts';
import type { CoverageGraph } from './coverage-graph.ts';
import { haversineRadM } from './geo.ts';
import type { SpacingIndex } from './mclp-greedy.ts';

const RAD = Math.PI / 180;

/**
 * The bipartite coverage graph of a candidate layer: row `s` lists the demand cells whose point (mean trip-end
 * position) lies within the radius of site `s`, by great-circle distance, found with the demand's neighbour index
 * around the site's own H3 cell ({@link CellNeighbourIndex.nearPoint}). Rows are sites, targets are demand cells
 * (`targetCount`), so unlike the symmetric graph a row is not "the sites that cover a cell".
 * @param index neighbour index over the demand cells
 * @param sites candidate sites
 * @param radiusM walking radius, metres (inclusive)
 */
export function buildSiteGraph(index: CellNeighbourIndex, sites: CandidateSites, radiusM: number): CoverageGraph {
  const n = sites.count;
  const out = new Int32Array(index.maxPointResults(radiusM));
  const outD = new Float64Array(out.length);
  const offsets = new Int32Array(n + 1);
  const targets: number[] = [];
  const dist: number[] = [];
  for (let s = 0; s < n; s++) {
    const m = index.nearPoint(sites.lat[s]!, sites.lng[s]!, radiusM, out, outD);
    for (let q = 0; q < m; q++) {
      targets.push(out[q]!);
      dist.push(outD[q]!);
    }
    offsets[s + 1] = targets.length;
  }
  return { count: n, targetCount: index.points.count, radiusM, offsets, targets: Int32Array.from(targets), distM: Float32Array.from(dist) };
}

/** Sites within a distance of a site, by a scan over all sites (spacing checks run once per chosen zone). */
export class SiteIndex implements SpacingIndex {
  private readonly latRad: Float64Array;
  private readonly lngRad: Float64Array;
  private readonly cosLat: Float64Array;

  constructor(private readonly sites: CandidateSites) {
    this.latRad = sites.lat.map((v) => v * RAD);
    this.lngRad = sites.lng.map((v) => v * RAD);
    this.cosLat = this.latRad.map(Math.cos);
  }

  maxResults(): number {
    return this.sites.count;
  }

  within(c: number, radiusM: number, outIndex: Int32Array, outDistM: Float64Array | Float32Array): number {
    let m = 0;
    for (let s = 0; s < this.sites.count; s++) {
      const d = s === c ? 0 : haversineRadM(this.latRad[c]!, this.lngRad[c]!, this.cosLat[c]!, this.latRad[s]!, this.lngRad[s]!, this.cosLat[s]!);
      if (d <= radiusM) {
        outIndex[m] = s;
        outDistM[m++] = d;
      }
    }
    return m;
  }
}
