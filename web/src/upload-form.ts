/**
 * The operator's upload form: sends a trip export with a progress bar (upload, then ingest) and
 * shows what was stored, what was a duplicate and which rows were rejected and why.
 */
import { rejectReport } from './reject-report.ts';
import type { ApiConfig, ProviderInfo, RejectRow, UploadResult } from './api-types.ts';
import { getUpload, listUploads, uploadFile } from './api-client.ts';
import { h, replaceChildren } from './dom.ts';
import { errorText, showError } from './messages.ts';
import { formatDateTime, formatInt } from './format.ts';

const REJECTS_PAGE = 50; // rejects shown per page

/** What the form tells the page. */
export interface UploadHandlers {
  onStored(result: UploadResult): void; // new trips were stored: demand should be reloaded
}

function rejectsOf(result: UploadResult): RejectRow[] {
  return result.rejects ?? result.firstRejects ?? [];
}

function columnsText(columns: UploadResult['columns']): string | null {
  if (!columns) return null;
  if (Array.isArray(columns)) {
    const parts = columns.map((c) => (typeof c === 'string' ? c : c.field === c.source ? c.field : `${c.field} ← ${c.source}${c.unit ? ` (${c.unit})` : ''}`));
    return parts.length ? parts.join(', ') : null;
  }
  const pairs = Object.entries(columns).map(([field, source]) => `${field} ← ${source}`);
  return pairs.length ? pairs.join(', ') : null;
}

/** The upload form and its result view. */
export class UploadForm {
  private readonly providerField: HTMLElement;
  private readonly format: HTMLSelectElement;
  private readonly tz: HTMLInputElement;
  private readonly file: HTMLInputElement;
  private readonly submit: HTMLButtonElement;
  private readonly progress: HTMLProgressElement;
  private readonly progressText: HTMLElement;
  private readonly progressBox: HTMLElement;
  private readonly error: HTMLElement;
  private readonly result: HTMLElement;
  private readonly history: HTMLElement;
  private readonly handlers: UploadHandlers;
  private provider: HTMLInputElement | null = null;
  private config: ApiConfig | null = null;

  constructor(root: HTMLElement, handlers: UploadHandlers) {
    this.handlers = handlers;
    this.providerField = h('div', { class: 'field' });
    this.format = h(
      'select',
      { id: 'up-format', name: 'format' },
      h('option', { value: '' }, 'Detect'),
      h('option', { value: 'mds2' }, 'MDS 2.x trips (JSON)'),
      h('option', { value: 'mds1' }, 'MDS 0.4 / 1.x trips (JSON)'),
      h('option', { value: 'csv' }, 'CSV export'),
      h('option', { value: 'parquet' }, 'Parquet'),
    );
    this.tz = h('input', { type: 'text', id: 'up-tz', name: 'tz', value: 'UTC', list: 'up-tz-list', spellcheck: 'false' });
    const zones = ['UTC', 'Europe/Paris', 'Europe/Berlin', 'Europe/London', 'Europe/Madrid', 'America/New_York', 'America/Los_Angeles'];
    const tzList = h('datalist', { id: 'up-tz-list' }, zones.map((z) => h('option', { value: z })));
    this.file = h('input', { type: 'file', id: 'up-file', name: 'file', required: true, accept: '.json,.csv,.parquet,.txt,.gz' });
    this.submit = h('button', { type: 'submit', class: 'primary', id: 'up-submit' }, 'Upload');
    this.progress = h('progress', { id: 'up-progress', max: 1, value: 0 });
    this.progressText = h('span', { class: 'progress-text' });
    this.progressBox = h('div', { class: 'progress-box', hidden: true, 'data-testid': 'upload-progress' }, this.progress, this.progressText);
    this.error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    this.result = h('div', { class: 'upload-result', 'data-testid': 'upload-result' });
    this.history = h('div', { class: 'upload-history' });
    const form = h(
      'form',
      { class: 'upload-form', id: 'upload-form' },
      this.providerField,
      h('label', { class: 'field', for: 'up-file' }, 'Trip export file ', h('span', { class: 'hint' }, 'MDS trips JSON, CSV or Parquet'), this.file),
      h('div', { class: 'field-row' }, h('label', { for: 'up-format' }, 'Format', this.format), h('label', { for: 'up-tz' }, 'Time zone of CSV times', this.tz, tzList)),
      this.submit,
      this.progressBox,
      this.error,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.send();
    });
    root.append(form, this.result, h('h3', {}, 'Earlier uploads'), this.history);
  }

  /** Sets who uploads: an operator uploads for its own provider; an admin names one. */
  setContext(config: ApiConfig | null, providers: readonly ProviderInfo[]): void {
    this.config = config;
    if (config?.role === 'operator') {
      this.provider = null;
      replaceChildren(this.providerField, h('span', { class: 'label' }, 'Provider'), h('div', { class: 'static-value' }, config.providerId ?? '(your provider)'));
    } else {
      this.provider = h('input', { type: 'text', id: 'up-provider', name: 'provider', required: true, list: 'up-provider-list', placeholder: 'provider id, e.g. lime' });
      const list = h('datalist', { id: 'up-provider-list' }, providers.map((p) => h('option', { value: p.providerId })));
      replaceChildren(this.providerField, h('label', { for: 'up-provider' }, 'Provider ', h('span', { class: 'hint' }, 'used when the file does not name one'), this.provider, list));
    }
  }

  private setProgress(share: number | null, text: string): void {
    this.progressBox.hidden = false;
    if (share === null) this.progress.removeAttribute('value');
    else this.progress.value = share;
    this.progressText.textContent = text;
  }

  private async send(): Promise<void> {
    const file = this.file.files?.[0];
    this.error.hidden = true;
    if (!file) {
      this.error.textContent = 'Choose a file to upload.';
      this.error.hidden = false;
      return;
    }
    const provider = this.config?.role === 'operator' ? (this.config.providerId ?? undefined) : this.provider?.value.trim() || undefined;
    this.submit.disabled = true;
    this.result.replaceChildren();
    this.setProgress(0, `Uploading ${file.name}…`);
    try {
      const result = await uploadFile(file, {
        provider,
        format: this.format.value || undefined,
        tz: this.tz.value.trim() || undefined,
        onUploadProgress: (share) => this.setProgress(share * 0.5, `Uploading ${file.name}: ${Math.round(share * 100)} %`),
        onUploaded: () => this.setProgress(null, 'Checking and storing the trips…'),
      });
      this.setProgress(1, 'Done.');
      this.showResult(result);
      if (result.rowsStored > 0) this.handlers.onStored(result);
      void this.refreshHistory();
    } catch (err) {
      this.progressBox.hidden = true;
      this.error.textContent = `Upload failed: ${errorText(err)}`;
      this.error.hidden = false;
      showError(`Uploading ${file.name}`, err);
    } finally {
      this.submit.disabled = false;
    }
  }

  /** Shows an upload's counts and its rejected rows. */
  showResult(result: UploadResult): void {
    const rejects = rejectsOf(result);
    const columns = columnsText(result.columns);
    const count = (label: string, value: number, cls: string) => h('div', { class: `count ${cls}` }, h('b', {}, formatInt(value)), h('span', {}, label));
    const tableBody = h('tbody', {});
    // Raw values are shown to admins only; without any, the column is left out.
    const withRaw = rejects.some((r) => r.raw !== undefined && r.raw !== null && r.raw !== '');
    const fillRows = (rows: RejectRow[]) =>
      tableBody.append(
        ...rows.map((r) =>
          h('tr', {}, h('td', { class: 'num' }, String(r.rowNumber)), h('td', {}, r.field), h('td', {}, r.reason), withRaw ? h('td', { class: 'raw', title: r.raw ?? '' }, r.raw ?? '') : null),
        ),
      );
    fillRows(rejects);
    let shown = rejects.length;
    const more = h('button', { type: 'button', class: 'link-button', hidden: shown >= result.rowsRejected }, 'Show more rejected rows');
    more.addEventListener('click', async () => {
      more.disabled = true;
      try {
        const page = await getUpload(result.uploadId, shown, REJECTS_PAGE);
        const rows = rejectsOf(page);
        fillRows(rows);
        shown += rows.length;
        more.hidden = rows.length === 0 || shown >= result.rowsRejected;
      } catch (err) {
        showError('Loading more rejected rows', err);
      } finally {
        more.disabled = false;
      }
    });
    replaceChildren(
      this.result,
      h('h3', {}, `Result of ${result.fileName ?? 'the upload'}`),
      h(
        'div',
        { class: 'counts' },
        count('rows read', result.rowsRead, 'read'),
        count('trips stored', result.rowsStored, 'stored'),
        count('duplicates', result.rowsDuplicate, 'duplicate'),
        count('rejected', result.rowsRejected, result.rowsRejected > 0 ? 'rejected bad' : 'rejected'),
      ),
      columns ? h('p', { class: 'muted small' }, `Columns used: ${columns}`) : null,
      (result.warnings ?? []).map((w) => h('p', { class: 'warning' }, w)),
      result.rowsDuplicate > 0 ? h('p', { class: 'muted small' }, 'Duplicates are trips already stored (same provider and trip id); they were skipped.') : null,
      rejects.length > 0
        ? h(
            'div',
            { class: 'rejects' },
            h('p', {}, `${formatInt(result.rowsRejected)} rows were not stored. By reason:`),
            rejectReport(result.uploadId, (what, err) => showError(what, err)),
            h('p', { class: 'small' }, rejects.length < result.rowsRejected ? `The first ${rejects.length} in row order:` : 'In row order:'),
            h(
              'div',
              { class: 'table-scroll' },
              h('table', { class: 'rejects-table', 'data-testid': 'rejects-table' }, h('thead', {}, h('tr', {}, h('th', {}, 'Row'), h('th', {}, 'Field'), h('th', {}, 'Reason'), withRaw ? h('th', {}, 'Raw value') : null)), tableBody),
            ),
            more,
          )
        : result.rowsRejected === 0
          ? h('p', { class: 'ok' }, 'Every row was valid.')
          : null,
    );
  }

  /** Lists the caller's earlier uploads. */
  async refreshHistory(): Promise<void> {
    try {
      const uploads = await listUploads();
      if (uploads.length === 0) {
        replaceChildren(this.history, h('p', { class: 'muted small' }, 'No uploads yet.'));
        return;
      }
      replaceChildren(
        this.history,
        h(
          'ul',
          { class: 'upload-list' },
          uploads.slice(0, 20).map((u) => {
            const b = h(
              'button',
              { type: 'button', class: 'link-button' },
              `${u.fileName ?? u.uploadId}`,
              h('span', { class: 'hint' }, ` ${formatDateTime(u.receivedAt)} · ${formatInt(u.rowsStored)} stored, ${formatInt(u.rowsDuplicate)} duplicates, ${formatInt(u.rowsRejected)} rejected`),
            );
            b.addEventListener('click', async () => {
              try {
                this.showResult(await getUpload(u.uploadId, 0, REJECTS_PAGE));
              } catch (err) {
                showError(`Opening upload ${u.uploadId}`, err);
              }
            });
            return h('li', {}, b);
          }),
        ),
      );
    } catch (err) {
      replaceChildren(this.history, h('p', { class: 'form-error' }, `Could not list uploads: ${errorText(err)}`));
    }
  }
}
