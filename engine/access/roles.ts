/**
 * Roles and what each may do: the municipality's data-sovereignty rules in one table.
 * The server asks {@link can} before every operation; the CLI uses it for `keys create` validation.
 */

/** Roles of an API key. */
export type Role = 'admin' | 'analyst' | 'planner' | 'operator';

/** Every role, in order of decreasing power. */
export const ROLES: readonly Role[] = ['admin', 'analyst', 'planner', 'operator'];

/** Things a caller may want to do. */
export type Action =
  | 'keys:manage' // create, list, revoke API keys
  | 'uploads:create' // upload a trip export (an operator only for its own provider)
  | 'uploads:read' // list uploads and read their counts and rejects (an operator only its own)
  | 'rows:raw' // see raw rows, device ids and single trips
  | 'aggregates:read' // demand cells and tiles (an operator only its own provider's; all but admin k-suppressed)
  | 'aggregates:all-providers' // aggregates over any provider, not just one's own
  | 'runs:create' // start a recompute
  | 'runs:read' // read runs, their zones and exports, and compare runs
  | 'plans:edit' // make a plan from a run (move, delete, add zones; areas to avoid), name and annotate runs
  | 'runs:mark-current' // mark the run or plan the city uses (the page opens on it)
  | 'publications:read' // a run's lifecycle state and history (an operator: proposed and published plans only)
  | 'publications:propose' // move a draft to proposed (shown to operators for a check), or back to draft
  | 'publications:publish' // publish a proposed plan with an effective date, retire a published one
  | 'compliance:read'; // compliance, occupancy and reports (an operator only its own figures)

const MATRIX: Record<Role, readonly Action[]> = {
  admin: ['keys:manage', 'uploads:create', 'uploads:read', 'rows:raw', 'aggregates:read', 'aggregates:all-providers', 'runs:create', 'runs:read', 'plans:edit', 'runs:mark-current',
    'publications:read', 'publications:propose', 'publications:publish', 'compliance:read'],
  analyst: ['aggregates:read', 'aggregates:all-providers', 'runs:create', 'runs:read', 'plans:edit', 'publications:read', 'publications:propose', 'compliance:read'],
  // Planners recompute only where the server allows it (PARKZONES_PLANNER_RECOMPUTE=1; server/routes/plans.ts).
  planner: ['aggregates:read', 'aggregates:all-providers', 'runs:read', 'plans:edit', 'runs:mark-current', 'publications:read', 'publications:propose', 'compliance:read'],
  operator: ['uploads:create', 'uploads:read', 'aggregates:read', 'publications:read', 'compliance:read'],
};

/** The authenticated caller: a verified API key. */
export interface Principal {
  keyId: string;
  role: Role;
  /** The provider an operator is scoped to; null for other roles. */
  providerId: string | null;
}

/** True when `role` is one of {@link ROLES}. */
export function isRole(role: unknown): role is Role {
  return typeof role === 'string' && (ROLES as readonly string[]).includes(role);
}

/** True when a caller with `role` may do `action` (provider scoping is checked separately with {@link providerScope}). */
export function can(role: Role, action: Action): boolean {
  return MATRIX[role].includes(action);
}

/** The roles allowed to do `action`, for documentation and error messages. */
export function rolesFor(action: Action): Role[] {
  return ROLES.filter((r) => MATRIX[r].includes(action));
}

/** The only provider whose data `principal` may see, or null when it may see all. */
export function providerScope(principal: Principal): string | null {
  return can(principal.role, 'aggregates:all-providers') ? null : principal.providerId;
}
