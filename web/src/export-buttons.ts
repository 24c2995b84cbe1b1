/**
 * Download buttons for a run's zones in every export format the server offers.
 */
import { apiFetch, getOpenApi, zonesExportUrl } from './api-client.ts';
import { h, replaceChildren } from './dom.ts';
import { showError } from './messages.ts';

/** Formats to offer when the OpenAPI document does not list them. */
export const DEFAULT_FORMATS = ['geojson', 'csv', 'mds-geography', 'mds-stops', 'mds-policy', 'gbfs', 'ngsi-ld'];

const LABELS: Record<string, { label: string; title: string; ext: string }> = {
  geojson: { label: 'GeoJSON', title: 'Zone footprints for GIS tools (QGIS, ArcGIS)', ext: 'geojson' },
  csv: { label: 'CSV', title: 'One row per zone, for spreadsheets', ext: 'csv' },
  parquet: { label: 'Parquet', title: 'Columnar file for data tools', ext: 'parquet' },
  'mds-geography': { label: 'MDS Geography', title: 'Mobility Data Specification geographies', ext: 'json' },
  'mds-stops': { label: 'MDS Stops', title: 'Mobility Data Specification stops (parking places with capacity)', ext: 'json' },
  'mds-policy': { label: 'MDS Policy', title: 'Mobility Data Specification policy: park only in zones', ext: 'json' },
  gbfs: { label: 'GBFS', title: 'GBFS station_information for trip-planning apps', ext: 'json' },
  'ngsi-ld': { label: 'NGSI-LD', title: 'FIWARE NGSI-LD ParkingSpot entities', ext: 'jsonld' },
};

let formatsPromise: Promise<string[]> | null = null;

function findFormatEnum(doc: Record<string, unknown>): string[] | null {
  const paths = doc.paths as Record<string, Record<string, { parameters?: { name?: string; schema?: { enum?: unknown[] } }[] }>> | undefined;
  if (!paths) return null;
  for (const [path, ops] of Object.entries(paths)) {
    if (!/\/runs\/\{[^}]+\}\/zones$/.test(path)) continue;
    const param = ops.get?.parameters?.find((p) => p.name === 'format');
    const values = param?.schema?.enum;
    if (Array.isArray(values) && values.length > 0) return values.map(String);
  }
  return null;
}

/** The export formats the server offers (from /api/openapi.json, else {@link DEFAULT_FORMATS}). */
export function exportFormats(): Promise<string[]> {
  formatsPromise ??= getOpenApi()
    .then((doc) => findFormatEnum(doc) ?? DEFAULT_FORMATS)
    .catch(() => DEFAULT_FORMATS);
  return formatsPromise;
}

function fileNameFrom(disposition: string | null): string | null {
  const match = disposition?.match(/filename\*?=(?:UTF-8'')?"?([^";]+)"?/i);
  return match ? decodeURIComponent(match[1]!) : null;
}

/**
 * Downloads a run's zones in one format (the request carries the API key, so a plain link cannot).
 * @throws nothing; failures are shown to the person
 */
export async function downloadZones(runId: string, format: string): Promise<void> {
  try {
    const res = await apiFetch(zonesExportUrl(runId, format));
    const blob = await res.blob();
    const name = fileNameFrom(res.headers.get('Content-Disposition')) ?? `parkzones-run-${runId}-zones.${LABELS[format]?.ext ?? 'json'}`;
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: name, style: 'display:none' });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (err) {
    showError(`Exporting run ${runId} as ${LABELS[format]?.label ?? format}`, err);
  }
}

/** Fills `el` with one button per export format for the run. */
export async function renderExportButtons(el: HTMLElement, runId: string): Promise<void> {
  const formats = await exportFormats();
  if (el.dataset.runId !== undefined && el.dataset.runId !== runId) return;
  replaceChildren(
    el,
    formats.map((format) => {
      const meta = LABELS[format] ?? { label: format, title: format, ext: 'json' };
      const button = h('button', { type: 'button', class: 'export-button', title: meta.title, 'data-format': format }, meta.label);
      button.addEventListener('click', async () => {
        button.disabled = true;
        await downloadZones(runId, format);
        button.disabled = false;
      });
      return button;
    }),
  );
}
