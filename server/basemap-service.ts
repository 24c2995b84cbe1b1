/**
 * The basemap the server serves: one PMTiles archive (its own build or a city's Protomaps / OpenMapTiles archive)
 * and the glyphs for its labels. Opened once, lazily; the style is picked from the archive's metadata.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openPmtiles, projectRoot, type PmtilesArchive } from '../engine/index.ts';
import { basemapStyle, basemapView, detectBasemapSchema, OSM_ATTRIBUTION, type BasemapSchema } from './basemap-styles.ts';

/** The project's own street basemap (central Portland, built from the OSM extract in ../shared). */
export const BUILTIN_BASEMAP_ARCHIVE = path.join(projectRoot(), 'basemap', 'portland-central.pmtiles');
/** Glyph ranges for labels (Noto Sans, OFL). */
export const BUILTIN_GLYPHS_DIR = path.join(projectRoot(), 'basemap', 'fonts');

/** An open basemap: tiles, style and glyphs. */
export interface BasemapService {
  file: string;
  /** Opens the archive (once) and checks its schema; rejects with a BAD_FILE / BAD_FORMAT ParkzonesError. */
  ready(): Promise<{ archive: PmtilesArchive; schema: BasemapSchema }>;
  /** The style for the archive, its URLs under `origin` (e.g. http://127.0.0.1:8080). */
  style(origin: string): Promise<Record<string, unknown>>;
  /** A glyph range of the first font of `fontstack` the server has, or null. */
  glyphs(fontstack: string, range: string): Buffer | null;
  close(): void;
}

/**
 * A basemap service over `file` (a PMTiles archive) and `glyphsDir` (folders named by font, of `{start}-{end}.pbf`).
 */
export function basemapService(file: string, glyphsDir: string = BUILTIN_GLYPHS_DIR): BasemapService {
  let opened: Promise<{ archive: PmtilesArchive; schema: BasemapSchema }> | null = null;
  const fonts = fs.existsSync(glyphsDir) ? new Set(fs.readdirSync(glyphsDir).filter((n) => fs.statSync(path.join(glyphsDir, n)).isDirectory())) : new Set<string>();
  const ready = () =>
    (opened ??= openPmtiles(file).then((archive) => {
      try {
        return { archive, schema: detectBasemapSchema(archive.metadata, file) };
      } catch (e) {
        archive.close();
        throw e;
      }
    }));
  return {
    file,
    ready,
    async style(origin) {
      const { archive, schema } = await ready();
      const h = archive.header;
      return basemapStyle(schema, {
        tiles: `${origin}/basemap/tiles/{z}/{x}/{y}.mvt`,
        glyphs: `${origin}/basemap/fonts/{fontstack}/{range}.pbf`,
        minzoom: h.minZoom,
        maxzoom: h.maxZoom,
        boundsLngLat: [h.minLon, h.minLat, h.maxLon, h.maxLat],
        attribution: OSM_ATTRIBUTION,
        ...(Number.isFinite(h.centerLon) && Number.isFinite(h.centerLat) ? { view: basemapView(h) } : {}),
      });
    },
    glyphs(fontstack, range) {
      if (!/^\d{1,5}-\d{1,5}$/.test(range)) return null;
      const font = fontstack.split(',').map((f) => f.trim()).find((f) => fonts.has(f)) ?? (fonts.has('Noto Sans Regular') ? 'Noto Sans Regular' : undefined);
      if (!font) return null;
      const f = path.join(glyphsDir, font, `${range}.pbf`);
      return fs.existsSync(f) ? fs.readFileSync(f) : null;
    },
    close() {
      opened?.then((o) => o.archive.close(), () => {});
    },
  };
}
