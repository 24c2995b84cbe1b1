/**
 * The page's shared state and a minimal change notification, so panels and layers stay in step.
 */
import type { ApiConfig, MapFilter, ProviderInfo, RunInfo } from './api-types.ts';

/** Everything more than one module needs to know. */
export interface AppState {
  config: ApiConfig | null; // null until signed in
  providers: ProviderInfo[]; // providers the key may see
  filter: MapFilter; // demand filter currently applied to the map
  runs: RunInfo[]; // newest first
  selectedRunId: string | null; // run whose zones are on the map
  compareRunId: string | null; // second run of a comparison, or null
}

/** Names of the state fields a listener can watch. */
export type StateKey = keyof AppState;

type Listener = (state: AppState) => void;

const state: AppState = {
  config: null,
  providers: [],
  filter: { days: 'all' },
  runs: [],
  selectedRunId: null,
  compareRunId: null,
};
const listeners = new Map<StateKey, Set<Listener>>();

/** Read-only view of the current state. */
export function getState(): Readonly<AppState> {
  return state;
}

/** Changes some fields and tells the listeners of each field that changed (by identity). */
export function setState(patch: Partial<AppState>): void {
  const changed: StateKey[] = [];
  for (const key of Object.keys(patch) as StateKey[]) {
    if (state[key] === patch[key]) continue;
    (state as unknown as Record<string, unknown>)[key] = patch[key];
    changed.push(key);
  }
  const called = new Set<Listener>();
  for (const key of changed) {
    for (const fn of listeners.get(key) ?? []) {
      if (called.has(fn)) continue;
      called.add(fn);
      fn(state);
    }
  }
}

/** Calls `fn` whenever one of `keys` changes; returns an unsubscribe function. */
export function watch(keys: StateKey[], fn: Listener): () => void {
  for (const key of keys) {
    if (!listeners.has(key)) listeners.set(key, new Set());
    listeners.get(key)!.add(fn);
  }
  return () => keys.forEach((key) => listeners.get(key)?.delete(fn));
}

/** True when the role may start recomputes. */
export function canRecompute(config: ApiConfig | null): boolean {
  return config?.role === 'analyst' || config?.role === 'admin';
}

/** True when the role may upload trip exports. */
export function canUpload(config: ApiConfig | null): boolean {
  return config?.role === 'operator' || config?.role === 'admin';
}
