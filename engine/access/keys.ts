import crypto from 'node:crypto';
import type { Store } from '../store/open-store.ts';
import { ParkzonesError } from '../errors.ts';
import { isValidProviderId, PROVIDER_ID_RULE } from '../provider-id.ts';
import { isRole, type Principal, type Role } from './roles.ts';

/**
 * API keys: random tokens shown once, stored as salted SHA-256 hashes. A token is `pzk_<keyId>_<secret>`:
 * the key id finds the row, the 256-bit secret is checked against the hash in constant time.
 * A salted fast hash is enough here because the secret is random, not a person's password.
 * Keys live in the store's `api_keys` table (engine/store/schema.ts).
 */

/** A stored key as listed: everything but the secret and its hash. */
export interface ApiKeyInfo {
  keyId: string;
  role: Role;
  providerId: string | null;
  createdAt: string;
  label: string | null;
}

/** A freshly created key: its info plus the token, which is never shown again. */
export interface CreatedKey extends ApiKeyInfo {
  token: string;
}

/** Options of {@link createKey}. */
export interface CreateKeyOptions {
  role: Role;
  /** Provider an operator key is scoped to; required for operators, refused for other roles. */
  providerId?: string | null;
  /** A note for people ("Acme upload bot"). */
  label?: string | null;
}

const TOKEN_RE = /^pzk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

interface KeyRow {
  keyId: string;
  role: Role;
  providerId: string | null;
  hash: Buffer;
  salt: Buffer;
}

/** Per-store cache of key rows, so that verifying a token costs no query; emptied by create/revoke. */
const cache = new WeakMap<Store, Map<string, KeyRow | null>>();


function hashSecret(secret: string, salt: Buffer): Buffer {
  return crypto.createHash('sha256').update(salt).update(secret, 'utf8').digest();
}

/**
 * Creates an API key and returns it with its token (shown once; only a salted hash is stored).
 * @throws ParkzonesError BAD_OPTION for an unknown role, a missing provider on an operator key, or a provider on any other role
 * @example
 * const { token } = await createKey(store, { role: 'operator', providerId: 'acme' });
 */
export async function createKey(store: Store, options: CreateKeyOptions): Promise<CreatedKey> {
  const { role } = options;
  if (!isRole(role)) throw new ParkzonesError('BAD_OPTION', `role: must be admin, analyst, planner or operator, got ${JSON.stringify(role)}`, { option: 'role' });
  const providerId = options.providerId ?? null;
  if (role === 'operator' && !providerId) throw new ParkzonesError('BAD_OPTION', 'provider: an operator key needs the provider it is scoped to', { option: 'provider' });
  if (role !== 'operator' && providerId) throw new ParkzonesError('BAD_OPTION', `provider: only operator keys are scoped to a provider, not ${role} keys`, { option: 'provider' });
  if (providerId !== null && !isValidProviderId(providerId)) throw new ParkzonesError('BAD_OPTION', `provider: ${PROVIDER_ID_RULE}`, { option: 'provider' });
  const label = options.label ?? null;
  if (label !== null && (typeof label !== 'string' || label.length > 200)) throw new ParkzonesError('BAD_OPTION', 'label: a string of at most 200 characters', { option: 'label' });
  const keyId = crypto.randomBytes(8).toString('hex');
  const secret = crypto.randomBytes(32).toString('base64url');
  const salt = crypto.randomBytes(16);
  const createdAt = new Date().toISOString();
  await store.run(
    'INSERT INTO api_keys VALUES ($key_id, $role, $provider_id, $created_at::TIMESTAMPTZ, $hash, $salt, $label)',
    { key_id: keyId, role, provider_id: providerId, created_at: createdAt, hash: hashSecret(secret, salt).toString('hex'), salt: salt.toString('hex'), label },
  );
  cache.get(store)?.delete(keyId);
  return { keyId, role, providerId, createdAt, label, token: `pzk_${keyId}_${secret}` };
}

async function loadKey(store: Store, keyId: string): Promise<KeyRow | null> {
  let byId = cache.get(store);
  if (!byId) cache.set(store, (byId = new Map()));
  if (byId.has(keyId)) return byId.get(keyId)!;
  const rows = await store.query('SELECT role, provider_id, hash, salt FROM api_keys WHERE key_id = $key_id', { key_id: keyId });
  const r = rows[0];
  const row: KeyRow | null = r
    ? { keyId, role: r.role as Role, providerId: (r.provider_id as string | null) ?? null, hash: Buffer.from(r.hash as string, 'hex'), salt: Buffer.from(r.salt as string, 'hex') }
    : null;
  if (byId.size > 10_000) byId.clear();
  byId.set(keyId, row);
  return row;
}

/**
 * The caller a token stands for, or null when the token is malformed, unknown, revoked or wrong.
 * Never throws for a bad token; the comparison is constant-time.
 */
export async function verifyKey(store: Store, token: string): Promise<Principal | null> {
  const m = TOKEN_RE.exec(token);
  if (!m) return null;
  const row = await loadKey(store, m[1]!);
  if (!row) return null;
  const hash = hashSecret(m[2]!, row.salt);
  if (hash.length !== row.hash.length || !crypto.timingSafeEqual(hash, row.hash)) return null;
  return { keyId: row.keyId, role: row.role, providerId: row.providerId };
}

/** Every stored key (no secrets), oldest first. */
export async function listKeys(store: Store): Promise<ApiKeyInfo[]> {
  const rows = await store.query(
    "SELECT key_id, role, provider_id, strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at, label FROM api_keys ORDER BY created_at, key_id",
  );
  return rows.map((r) => ({
    keyId: r.key_id as string,
    role: r.role as Role,
    providerId: (r.provider_id as string | null) ?? null,
    createdAt: r.created_at as string,
    label: (r.label as string | null) ?? null,
  }));
}

/**
 * Revokes (deletes) a key; its token stops working at once. With `keepLastAdmin`, the last admin key is refused in
 * the same statement that deletes (a conditional DELETE), so two admins revoking each other at once cannot both
 * succeed: statements on the store's connection run one at a time.
 * @param options.keepLastAdmin refuse to delete the only admin key (the server's rule; the CLI may, and a new one is made at start)
 * @throws ParkzonesError NOT_FOUND when no key has this id; CONFLICT when it is the last admin key and `keepLastAdmin`
 */
export async function revokeKey(store: Store, keyId: string, options: { keepLastAdmin?: boolean } = {}): Promise<void> {
  const rows = await store.query(
    `DELETE FROM api_keys WHERE key_id = $key_id
       AND ($any OR role <> 'admin' OR (SELECT count(*) FROM api_keys WHERE role = 'admin') > 1)
     RETURNING key_id`,
    { key_id: keyId, any: !options.keepLastAdmin },
  );
  cache.get(store)?.delete(keyId);
  if (rows.length > 0) return;
  const left = await store.query('SELECT role FROM api_keys WHERE key_id = $key_id', { key_id: keyId });
  if (left.length > 0) throw new ParkzonesError('CONFLICT', 'this is the last admin key; create another admin key before revoking it');
  throw new ParkzonesError('NOT_FOUND', `no API key with id ${JSON.stringify(keyId)}`, { option: 'keyId' });
}

/** Number of admin keys; the server creates the first one when there is none. */
export async function countAdminKeys(store: Store): Promise<number> {
  const rows = await store.query("SELECT count(*)::INTEGER AS n FROM api_keys WHERE role = 'admin'");
  return Number(rows[0]!.n);
}
