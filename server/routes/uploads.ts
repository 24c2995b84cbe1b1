import fs from 'node:fs';
import path from 'node:path';
import type { Express, Request } from 'express';
import { can, ENCODING_CHOICES, INFLATE_RATIO, getUpload, groupRejects, ingestUpload, listRejects, listUploads, ParkzonesError, type IngestOptions, type Principal, type RejectRow } from '../../engine/index.ts';
import { allow, principalOf } from '../auth.ts';
import type { ResolvedDeps } from '../deps.ts';
import { pathId, qChoice, qInt, qList, qString } from '../params.ts';
import { receiveUpload } from '../upload-to-disk.ts';

const FORMATS = ['auto', 'mds1', 'mds2', 'csv', 'parquet'] as const;
const DEFAULT_NAMES: Record<string, string> = {
  'application/json': 'upload.json', 'text/csv': 'upload.csv', 'application/gzip': 'upload.gz', 'application/x-gzip': 'upload.gz',
  'application/vnd.apache.parquet': 'upload.parquet', 'application/zip': 'upload.zip', 'application/octet-stream': 'upload.bin',
};

/** Raw rows (which may hold device ids and single trips) only for admins. */
function redactRejects(rows: RejectRow[], p: Principal): RejectRow[] {
  return can(p.role, 'rows:raw') ? rows : rows.map((r) => ({ ...r, raw: null }));
}

/** The file name to record: the client's, reduced to a safe base name. */
function fileNameOf(req: Request): string {
  const given = qString(req, 'filename');
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!given) return DEFAULT_NAMES[type] ?? 'upload';
  const base = path.basename(given.replace(/\\/g, '/')).replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200);
  return base || 'upload';
}

/** `map=end_lat=Lat_End,distance_m=Dist:mi` → { end_lat: 'Lat_End', distance_m: 'Dist:mi' } (as the CLI's --map). */
function mappingOf(req: Request): Record<string, string> | undefined {
  const pairs = qList(req, 'map');
  if (!pairs) return undefined;
  const mapping: Record<string, string> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i <= 0 || i === pair.length - 1) throw new ParkzonesError('BAD_OPTION', `map: each entry must be field=column[:unit], got "${pair}"`, { option: 'map' });
    mapping[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return mapping;
}

/** Uploads: POST /api/uploads (raw file body), GET /api/uploads, GET /api/uploads/:id (with paged rejects). */
export function registerUploads(app: Express, deps: ResolvedDeps): void {
  app.post('/api/uploads', allow('uploads:create'), async (req, res) => {
    const p = principalOf(req);
    const provider = qString(req, 'provider') || undefined;
    if (p.role === 'operator' && provider !== undefined && provider !== p.providerId) {
      throw new ParkzonesError('FORBIDDEN', `an operator key of ${p.providerId} may upload only its own trips, not provider ${provider}`);
    }
    const options: IngestOptions = {
      format: qChoice(req, 'format', FORMATS, 'auto'),
      fileName: fileNameOf(req),
      encoding: qChoice(req, 'encoding', ENCODING_CHOICES, 'auto'),
      // A gzip may inflate to INFLATE_RATIO × the upload limit; the other bounds are the engine's defaults.
      limits: { maxInflatedBytes: INFLATE_RATIO * deps.uploadLimitBytes },
      ...(qString(req, 'tz') ? { tz: qString(req, 'tz') } : {}),
      ...(mappingOf(req) ? { mapping: mappingOf(req) } : {}),
      ...(deps.serviceArea ? { serviceArea: deps.serviceArea } : {}),
    };
    if (p.role === 'operator') {
      options.provider = p.providerId!;
      options.onlyProvider = p.providerId!;
    } else if (provider) options.provider = provider;
    const file = await receiveUpload(req, res, deps.uploadDir, deps.uploadLimitBytes, deps.stop.signal);
    try {
      // A stopping server lets the ingest finish within its grace period, then rolls it back and answers 503.
      const reports = await deps.uploadLane.run(() => ingestUpload(deps.store, file, { ...options, signal: deps.stop.signal }));
      deps.cache.invalidate();
      const shown: Record<string, unknown>[] = [];
      for (const report of reports) {
        // An operator learns of an identical earlier upload only when it was its own.
        let sameAs = report.sameAsUploadId;
        if (sameAs !== null && p.role === 'operator' && (await getUpload(deps.store, sameAs))?.providerId !== p.providerId) sameAs = null;
        shown.push({ ...report, sameAsUploadId: sameAs, firstRejects: redactRejects(report.firstRejects, p) });
      }
      // A zip archive is several files: the first one's report, and every file's under `files`.
      res.status(201).location(`/api/uploads/${reports[0]!.uploadId}`).json(reports.length > 1 ? { ...shown[0], files: shown } : shown[0]);
    } finally {
      await fs.promises.rm(file, { force: true });
    }
  });

  app.get('/api/uploads', allow('uploads:read'), async (req, res) => {
    const p = principalOf(req);
    const provider = qString(req, 'provider') || undefined;
    if (p.role === 'operator' && provider !== undefined && provider !== p.providerId) {
      throw new ParkzonesError('FORBIDDEN', `an operator key of ${p.providerId} may list only its own uploads`);
    }
    const providerId = p.role === 'operator' ? p.providerId! : provider;
    res.json({ uploads: await listUploads(deps.store, providerId ? { providerId } : {}) });
  });

  app.get('/api/uploads/:id', allow('uploads:read'), async (req, res) => {
    const p = principalOf(req);
    const id = pathId(req, 'id');
    const offset = qInt(req, 'offset', { min: 0, max: 1e12, def: 0 });
    const limit = qInt(req, 'limit', { min: 1, max: 1000, def: 100 });
    const upload = await getUpload(deps.store, id);
    if (!upload) throw new ParkzonesError('NOT_FOUND', `no upload with id ${id}`, { option: 'id' });
    if (p.role === 'operator' && upload.providerId !== p.providerId) {
      throw new ParkzonesError('FORBIDDEN', `upload ${id} belongs to another provider`);
    }
    const rejects = await listRejects(deps.store, id, { offset, limit });
    // Grouped reasons quote values of the file (ids, times), as rejects' reasons do; only raw rows are redacted.
    const rejectsByReason = await groupRejects(deps.store, id);
    res.json({ upload, rejectsByReason, rejects: { total: rejects.total, offset, limit, rows: redactRejects(rejects.rows, p) } });
  });
}
