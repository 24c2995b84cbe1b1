/**
 * Sign-in: asks for an API key, checks it against GET /api/config, and keeps it for the session.
 */
import type { ApiConfig } from './api-types.ts';
import { getConfig } from './api-client.ts';
import { h, replaceChildren } from './dom.ts';
import { errorText } from './messages.ts';
import { setApiKey } from './session.ts';
import { perfMark } from './perf-marks.ts';

const ROLE_TEXT: Record<string, string> = {
  admin: 'Administrator: everything',
  analyst: 'Analyst: view demand and zones, recompute zones',
  planner: 'Planner: view demand, zones and exports',
  operator: 'Operator: upload trip data, view your own demand',
};

/** Describes what a role may do, for the account line. */
export function roleText(config: ApiConfig): string {
  const base = ROLE_TEXT[config.role ?? ''] ?? String(config.role);
  return config.role === 'operator' && config.providerId ? `${base} (${config.providerName || config.providerId})` : base;
}

/**
 * Shows the sign-in dialog until a key is accepted.
 * @param host - the dialog container
 * @param reason - why sign-in is needed (e.g. the previous key was rejected)
 * @returns the configuration seen with the accepted key
 */
export function signIn(host: HTMLElement, reason?: string): Promise<ApiConfig> {
  return new Promise((resolve) => {
    const input = h('input', { type: 'password', id: 'api-key', name: 'api-key', autocomplete: 'off', required: true, placeholder: 'pzk_…', spellcheck: 'false' });
    const error = h('p', { class: 'form-error', role: 'alert', hidden: !reason }, reason ?? '');
    const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
    const form = h(
      'form',
      { class: 'signin-card' },
      h('h2', {}, 'Sign in to parkzones'),
      h('p', {}, 'Enter the API key you were given. It decides what you can see and do, and is kept only until you close this tab.'),
      h('label', { for: 'api-key' }, 'API key', input),
      error,
      submit,
      h('p', { class: 'muted small' }, 'Running the demo? The key is printed in the terminal where you started the server (admin key).'),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      perfMark('signin-submit');
      const key = input.value.trim();
      if (!key) return;
      submit.disabled = true;
      submit.textContent = 'Checking…';
      setApiKey(key);
      try {
        const config = await getConfig();
        if (!config?.role) throw new Error('The server did not recognise this key.');
        host.hidden = true;
        host.replaceChildren();
        resolve(config);
      } catch (err) {
        setApiKey(null);
        error.textContent = errorText(err);
        error.hidden = false;
        submit.disabled = false;
        submit.textContent = 'Sign in';
        input.select();
      }
    });
    replaceChildren(host, form);
    host.hidden = false;
    input.focus();
  });
}
