/**
 * The grouped reject report of an upload: rejected rows grouped by reason with their counts, a few rows of each,
 * and all of them as a CSV download (GET /api/uploads/:id/reject-groups and /rejects.csv).
 */
import { h, replaceChildren } from './dom.ts';
import { formatInt } from './format.ts';
import { getRejectGroups, getRejectsCsv } from './plans-api.ts';

/** Rows shown per reason. */
const ROWS_PER_REASON = 3;

/**
 * An element that fills itself with the upload's rejects grouped by reason, largest group first.
 * @param onError - told when the groups or the CSV cannot be loaded
 */
export function rejectReport(uploadId: number | string, onError: (what: string, err: unknown) => void): HTMLElement {
  const root = h('div', { class: 'reject-groups', 'data-testid': 'reject-groups' }, h('p', { class: 'muted small' }, 'Grouping the rejected rows by reason…'));
  const csv = h('button', { type: 'button', id: 'rejects-csv', class: 'link-button' }, 'Download all rejected rows (CSV)');
  csv.addEventListener('click', async () => {
    try {
      const blob = await getRejectsCsv(uploadId);
      const url = URL.createObjectURL(blob);
      const a = h('a', { href: url, download: `upload-${uploadId}-rejects.csv`, style: 'display:none' });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      onError('Downloading the rejected rows', err);
    }
  });
  getRejectGroups(uploadId)
    .then(({ groups }) => {
      replaceChildren(
        root,
        groups.map((g) =>
          h(
            'div',
            { class: 'reject-group', 'data-reason': g.reason },
            h('b', { class: 'reject-count' }, formatInt(g.count)),
            ` ${g.count === 1 ? 'row' : 'rows'}: ${g.reason} `,
            h('span', { class: 'hint' }, `(${g.field})`),
            h(
              'table',
              {},
              h('tbody', {}, g.rows.slice(0, ROWS_PER_REASON).map((r) => h('tr', {}, h('td', { class: 'num' }, `row ${r.rowNumber}`), r.raw ? h('td', { class: 'raw', title: r.raw }, r.raw) : null))),
            ),
            g.count > g.rows.length ? h('p', { class: 'muted small' }, `… and ${formatInt(g.count - g.rows.length)} more`) : null,
          ),
        ),
        csv,
      );
    })
    .catch((err) => {
      replaceChildren(root, csv);
      onError('Grouping the rejected rows', err);
    });
  return root;
}
