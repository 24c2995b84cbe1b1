/**
 * Shows messages to the person: errors stay until dismissed, notices fade. Nothing is swallowed.
 */
import { h } from './dom.ts';

let host: HTMLElement | null = null;

/** Sets the element that holds messages (an aria-live region). */
export function initMessages(el: HTMLElement): void {
  host = el;
}

/** Human text of any thrown value. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * Shows an error in words, with what was being attempted.
 * @param context - what the page tried, e.g. "Loading demand"
 * @param err - the thrown value (an ApiError carries a readable message)
 */
export function showError(context: string, err: unknown): void {
  console.error(`${context}:`, err);
  if ((err as { name?: string })?.name === 'AbortError') return;
  show('error', `${context} failed: ${errorText(err)}`, context);
}

/**
 * Takes away the errors shown for `context` (what the page tried, as given to {@link showError}): call it when
 * that same thing has worked since, so a banner never outlives its error.
 */
export function clearError(context: string): void {
  for (const existing of host?.querySelectorAll<HTMLElement>('.message-error') ?? []) {
    if (existing.dataset.context === context) existing.remove();
  }
}

/** Shows a short notice that disappears after a few seconds. */
export function showNotice(text: string): void {
  show('notice', text);
}

function show(kind: 'error' | 'notice', text: string, context?: string): void {
  if (!host) return;
  for (const existing of host.querySelectorAll<HTMLElement>('.message')) {
    if (existing.dataset.text === text) existing.remove();
  }
  const close = h('button', { class: 'message-close', type: 'button', 'aria-label': 'Dismiss' }, '×');
  const item = h('div', { class: `message message-${kind}`, role: kind === 'error' ? 'alert' : 'status', 'data-text': text }, h('span', {}, text), close);
  close.addEventListener('click', () => item.remove());
  if (context) item.dataset.context = context;
  host.append(item);
  if (kind === 'notice') setTimeout(() => item.remove(), 5000);
}
