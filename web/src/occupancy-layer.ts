/**
 * Published zones coloured by occupancy: the p85 of daily peaks of vehicles parked at once against the slots.
 */
import type * as maplibregl from 'maplibre-gl';

/** One zone of GET /api/runs/:id/occupancy. */
export interface OccupancyZone {
  zoneId: string;
  centerLat: number;
  centerLng: number;
  capacity: number;
  percentilePeak: number;
  ratio: number;
  verdict: 'full' | 'right-sized' | 'under-used';
  suggestedCapacity: number;
}

/** Colour of each verdict (also the legend's). */
export const OCCUPANCY_COLORS: Record<OccupancyZone['verdict'], string> = { full: '#dc2626', 'right-sized': '#16a34a', 'under-used': '#9ca3af' };

export const OCCUPANCY_LAYER = 'occupancy-circles';
const SOURCE = 'occupancy';

/** The zones as GeoJSON points (`[lng, lat]`) with their verdict colour. */
export function occupancyFeatures(zones: readonly OccupancyZone[]): GeoJSON.FeatureCollection<GeoJSON.Point> {
  return {
    type: 'FeatureCollection',
    features: zones.map((z) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [z.centerLng, z.centerLat] },
      properties: { zone_id: z.zoneId, verdict: z.verdict, color: OCCUPANCY_COLORS[z.verdict], ratio: z.ratio, capacity: z.capacity, suggested: z.suggestedCapacity },
    })),
  };
}

/** A ring around each published zone, coloured by its occupancy verdict. */
export class OccupancyLayer {
  constructor(private readonly map: maplibregl.Map) {}

  /** Shows these zones (none: hides the layer). */
  show(zones: readonly OccupancyZone[]): void {
    const data = occupancyFeatures(zones);
    const add = () => {
      const src = this.map.getSource(SOURCE) as maplibregl.GeoJSONSource | undefined;
      if (src) src.setData(data);
      else {
        this.map.addSource(SOURCE, { type: 'geojson', data });
        this.map.addLayer({
          id: OCCUPANCY_LAYER, type: 'circle', source: SOURCE,
          paint: { 'circle-radius': 14, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': ['get', 'color'], 'circle-stroke-width': 4 },
        });
      }
    };
    if (this.map.isStyleLoaded()) add();
    else this.map.once('load', add);
  }
}
