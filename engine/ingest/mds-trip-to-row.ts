import { quoteInput } from '../quote-input.ts';
import { emptyStagingRow, markBad, RAW_MAX_CHARS, type StagingRow } from './staging-row.ts';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function text(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return null;
}

function num(row: StagingRow, v: unknown, field: string): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  markBad(row, field, `not a number: ${quoteInput(JSON.stringify(v) ?? String(v), { quote: false })}`);
  return null;
}

/** [lat, lng] of an MDS 2.x `{lat, lng}` location or a GeoJSON Point feature of an MDS 1.x route. */
function latLngOf(row: StagingRow, v: unknown, field: string): [number | null, number | null] {
  if (v === undefined || v === null) return [null, null];
  if (isObject(v) && ('lat' in v || 'lng' in v)) return [num(row, v.lat, `${field}.lat`), num(row, v.lng, `${field}.lng`)];
  const coords = isObject(v) && isObject(v.geometry) ? v.geometry.coordinates : undefined;
  if (Array.isArray(coords) && coords.length >= 2) return [num(row, coords[1], `${field}.lat`), num(row, coords[0], `${field}.lng`)];
  markBad(row, field, 'not a location: expected {lat, lng} or a GeoJSON Point feature');
  return [null, null];
}

/**
 * One MDS trip (0.4–1.x Provider or 2.x) → staging row. MDS 1.x takes the route's first and last points as start
 * and end; 2.x its `start_location`/`end_location`. Times are integer ms; distances metres; durations seconds.
 */
export function mdsTripToRow(element: unknown, rowNumber: number, rawText: string, provider: string | null): StagingRow {
  const row = emptyStagingRow(rowNumber, rawText.length > RAW_MAX_CHARS ? rawText.slice(0, RAW_MAX_CHARS) : rawText);
  if (!isObject(element)) {
    markBad(row, 'trip', `not a JSON object but ${Array.isArray(element) ? 'an array' : typeof element}`);
    return row;
  }
  const t = element;
  row.providerId = text(t.provider_id) ?? provider;
  row.providerName = text(t.provider_name);
  row.tripId = text(t.trip_id);
  row.deviceId = text(t.device_id);
  row.vehicleType = text(t.vehicle_type);
  row.tripType = Array.isArray(t.trip_type) ? (t.trip_type.map(String).join(',') || null) : text(t.trip_type);
  row.startMs = num(row, t.start_time, 'start_time');
  row.endMs = num(row, t.end_time, 'end_time');
  if ('end_location' in t || 'start_location' in t) {
    [row.startLat, row.startLng] = latLngOf(row, t.start_location, 'start_location');
    [row.endLat, row.endLng] = latLngOf(row, t.end_location, 'end_location');
  } else if (isObject(t.route) && Array.isArray(t.route.features)) {
    const f = t.route.features;
    if (f.length > 0) {
      [row.startLat, row.startLng] = latLngOf(row, f[0], 'route');
      [row.endLat, row.endLng] = latLngOf(row, f[f.length - 1], 'route');
    }
  } else if (t.route !== undefined) {
    markBad(row, 'route', 'not a GeoJSON FeatureCollection of points');
  }
  row.distanceM = num(row, t.distance ?? t.trip_distance, t.distance !== undefined ? 'distance' : 'trip_distance');
  row.durationS = num(row, t.duration ?? t.trip_duration, t.duration !== undefined ? 'duration' : 'trip_duration');
  return row;
}
