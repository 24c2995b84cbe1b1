import type { Store } from '../store/open-store.ts';
import type { RejectRow } from './uploads.ts';

/** Rejects of one field and kind of reason (the reason's text before ': '): how many, and the first few in row order. */
export interface RejectSampleGroup {
  reason: string;
  /** The field the reason is about. */
  field: string;
  count: number;
  /** The first `perGroup` rows of the group, in row order. */
  rows: RejectRow[];
}

/** Options of {@link rejectGroups}. */
export interface RejectGroupsOptions {
  /** Rows shown per group. Default 3. */
  perGroup?: number;
}

/**
 * An upload's rejects grouped by reason (and field), largest group first (ties: by reason), each with its count and
 * its first rows.
 * @example
 * const groups = await rejectGroups(store, 4); // [{ reason: 'end before start', field: 'end_time', count: 12, rows: [...] }, …]
 */
export async function rejectGroups(store: Store, uploadId: number, options: RejectGroupsOptions = {}): Promise<RejectSampleGroup[]> {
  const perGroup = options.perGroup ?? 3;
  const rows = await store.query(
    // Grouped by field and kind of reason (its text before ': ', as uploads.ts groupRejects does): the values after
    // it differ from row to row. Each sample row keeps its full reason.
    `WITH r AS (SELECT *, split_part(reason, ': ', 1) AS kind FROM rejects WHERE upload_id = $id),
          g AS (SELECT kind, field, reason AS full_reason, count(*) OVER (PARTITION BY kind, field) AS n,
                       row_number() OVER (PARTITION BY kind, field ORDER BY row_number) AS i, row_number AS rn, raw
                FROM r)
     SELECT kind AS reason, full_reason, field, n, rn, raw FROM g WHERE i <= $per ORDER BY n DESC, reason, field, rn`,
    { id: uploadId, per: perGroup },
  );
  const groups = new Map<string, RejectSampleGroup>();
  for (const r of rows) {
    const key = `${r.reason}\u0000${r.field}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { reason: String(r.reason), field: String(r.field), count: Number(r.n), rows: [] }));
    g.rows.push({ uploadId, rowNumber: Number(r.rn), field: String(r.field), reason: String(r.full_reason), raw: (r.raw as string | null) ?? null });
  }
  return [...groups.values()];
}

function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Every reject of an upload as CSV (RFC 4180, `\r\n` line ends), in row order, in pieces of `batch` rows so a large
 * upload's rejects are never held at once. Columns: upload_id, row_number, field, reason, and raw when `raw` is true.
 * @param options.raw include the rejected row's text (admins only: it may hold device ids). Default false.
 * @param options.batch rows per piece. Default 20000.
 */
export async function* rejectsCsv(store: Store, uploadId: number, options: { raw?: boolean; batch?: number } = {}): AsyncGenerator<string> {
  const raw = options.raw ?? false;
  const batch = options.batch ?? 20000;
  yield ['upload_id', 'row_number', 'field', 'reason', ...(raw ? ['raw'] : [])].join(',') + '\r\n';
  for (let after = -1; ; ) {
    const rows = await store.query(
      'SELECT row_number, field, reason, raw FROM rejects WHERE upload_id = $id AND row_number > $after ORDER BY row_number LIMIT $limit',
      { id: uploadId, after, limit: batch },
    );
    if (rows.length === 0) return;
    yield rows
      .map((r) => [uploadId, Number(r.row_number), String(r.field), String(r.reason), ...(raw ? [(r.raw as string | null) ?? null] : [])].map(csvField).join(',') + '\r\n')
      .join('');
    after = Number(rows[rows.length - 1]!.row_number);
  }
}
