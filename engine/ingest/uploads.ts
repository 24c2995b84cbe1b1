import type { Store } from '../store/open-store.ts';

/** A rejected row: where it was, which field failed and why, and its text. */
export interface RejectRow {
  uploadId: number;
  rowNumber: number;
  field: string;
  reason: string;
  raw: string | null;
}

/** One row of the `uploads` table. */
export interface UploadRow {
  uploadId: number;
  providerId: string | null;
  fileName: string;
  format: string;
  sha256: string;
  receivedAt: string;
  rowsRead: number;
  rowsStored: number;
  rowsDuplicate: number;
  rowsRejected: number;
  status: string;
  columns: unknown;
  /** The report's notes: warnings, how times were read, rejects by reason, location precision (null for older uploads). */
  notes: Record<string, unknown> | null;
}

const UPLOAD_SELECT = `SELECT upload_id, provider_id, file_name, format, sha256, strftime(received_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS received_at,
  rows_read, rows_stored, rows_duplicate, rows_rejected, status, columns, notes FROM uploads`;

function toUpload(r: Record<string, unknown>): UploadRow {
  return {
    uploadId: Number(r.upload_id), providerId: (r.provider_id as string | null) ?? null, fileName: String(r.file_name),
    format: String(r.format), sha256: String(r.sha256), receivedAt: String(r.received_at), rowsRead: Number(r.rows_read),
    rowsStored: Number(r.rows_stored), rowsDuplicate: Number(r.rows_duplicate), rowsRejected: Number(r.rows_rejected),
    status: String(r.status), columns: r.columns ? JSON.parse(String(r.columns)) : null,
    notes: r.notes ? (JSON.parse(String(r.notes)) as Record<string, unknown>) : null,
  };
}

/** Uploads, newest first; only one provider's when `providerId` is given. */
export async function listUploads(store: Store, options: { providerId?: string } = {}): Promise<UploadRow[]> {
  const rows = options.providerId
    ? await store.query(`${UPLOAD_SELECT} WHERE provider_id = $p ORDER BY upload_id DESC`, { p: options.providerId })
    : await store.query(`${UPLOAD_SELECT} ORDER BY upload_id DESC`);
  return rows.map(toUpload);
}

/** One upload, or null when the id is unknown. */
export async function getUpload(store: Store, uploadId: number): Promise<UploadRow | null> {
  const rows = await store.query(`${UPLOAD_SELECT} WHERE upload_id = $id`, { id: uploadId });
  return rows.length ? toUpload(rows[0]!) : null;
}

/** A page of an upload's rejects in row order, with their total. Defaults: offset 0, limit 100. */
export async function listRejects(store: Store, uploadId: number, options: { offset?: number; limit?: number } = {}): Promise<{ total: number; rows: RejectRow[] }> {
  const total = Number((await store.query('SELECT count(*) AS n FROM rejects WHERE upload_id = $id', { id: uploadId }))[0]!.n);
  const rows = await store.query(
    'SELECT upload_id, row_number, field, reason, raw FROM rejects WHERE upload_id = $id ORDER BY row_number LIMIT $limit OFFSET $offset',
    { id: uploadId, limit: options.limit ?? 100, offset: options.offset ?? 0 },
  );
  return {
    total,
    rows: rows.map((r) => ({ uploadId: Number(r.upload_id), rowNumber: Number(r.row_number), field: String(r.field), reason: String(r.reason), raw: (r.raw as string | null) ?? null })),
  };
}

/** Rejects of one kind: the field and the reason's first part (before any `: value`), how many rows, and the first. */
export interface RejectGroup {
  field: string;
  reason: string;
  count: number;
  /** The first row rejected so, and its full reason. */
  firstRow: number;
  example: string;
}

/** Most reject groups an upload lists (the largest first); the rest are in the rejects table. */
export const REJECT_GROUPS_MAX = 50;

/** SQL of an upload's ($id) rejects grouped by field and reason kind, largest first. */
export function rejectGroupsSql(): string {
  return `SELECT field, split_part(reason, ': ', 1) AS kind, count(*) AS n, min(row_number) AS first_row, arg_min(reason, row_number) AS example
    FROM rejects WHERE upload_id = $id GROUP BY field, kind ORDER BY n DESC, first_row LIMIT ${REJECT_GROUPS_MAX}`;
}

/** Turns {@link rejectGroupsSql} rows into groups. */
export function toRejectGroups(rows: Record<string, unknown>[]): RejectGroup[] {
  return rows.map((r) => ({ field: String(r.field), reason: String(r.kind), count: Number(r.n), firstRow: Number(r.first_row), example: String(r.example) }));
}

/** An upload's rejects grouped by field and reason, with a count each, largest first (at most {@link REJECT_GROUPS_MAX}). */
export async function groupRejects(store: Store, uploadId: number): Promise<RejectGroup[]> {
  return toRejectGroups(await store.query(rejectGroupsSql(), { id: uploadId }));
}
