/**
 * The API key of this browser tab, kept in sessionStorage so it lasts for the session only.
 */
const STORAGE_KEY = 'parkzones.apiKey';

/** Returns the stored API key, or null when signed out. */
export function getApiKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Stores (or, with null, forgets) the API key for this session. */
export function setApiKey(key: string | null): void {
  try {
    if (key) sessionStorage.setItem(STORAGE_KEY, key);
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage can be disabled; the key then lives only as long as the page.
  }
}
