import { ParkzonesError } from '../errors.ts';
import { openStore } from '../store/open-store.ts';
import { createKey, isRole, listKeys, revokeKey } from '../access/index.ts';
import { EXIT, parseCommandArgs } from './cli-util.ts';

const HELP = `parkzones keys — API keys of the server

usage: parkzones keys create --role admin|analyst|planner|operator [--provider ID] [--label TEXT]
       parkzones keys list
       parkzones keys revoke KEY_ID

  create   prints the new key's token once (only a salted hash is stored); operators need --provider
  list     key ids, roles, providers, labels, creation times (no secrets)
  revoke   the token stops working at once

Roles: admin (everything, raw rows, keys), analyst (recompute, all aggregates), planner (aggregates, runs, zones),
operator (one provider: upload, own uploads and rejects, own aggregates).
Store: $PARKZONES_DB (default ./data/parkzones.duckdb); stop the server first (the file is locked while it runs).
`;

/** `parkzones keys create|list|revoke`. Returns the exit code. */
export async function runKeys(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { role: { type: 'string' }, provider: { type: 'string' }, label: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    true,
  );
  const [sub, ...rest] = positionals;
  if (values.help || !sub) {
    process.stdout.write(HELP);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  if (sub === 'create') {
    if (!values.role) throw new ParkzonesError('BAD_OPTION', '--role is required (admin, analyst, planner or operator)', { option: 'role' });
    if (!isRole(values.role)) throw new ParkzonesError('BAD_OPTION', `--role: must be admin, analyst, planner or operator, got "${values.role}"`, { option: 'role' });
    if (rest.length) throw new ParkzonesError('BAD_OPTION', `unexpected argument "${rest[0]}"`, {});
    const store = await openStore();
    try {
      const key = await createKey(store, { role: values.role, providerId: values.provider ?? null, label: values.label ?? null });
      if (values.json) process.stdout.write(JSON.stringify(key) + '\n');
      else {
        process.stdout.write(`${key.token}\n`);
        process.stderr.write(`created ${key.role} key ${key.keyId}${key.providerId ? ` for provider ${key.providerId}` : ''}; the token above is shown only now\n`);
      }
    } finally {
      store.close();
    }
    return EXIT.ok;
  }
  if (sub === 'list') {
    const store = await openStore();
    try {
      const keys = await listKeys(store);
      if (values.json) process.stdout.write(JSON.stringify(keys) + '\n');
      else {
        process.stdout.write(['key_id', 'role', 'provider', 'created_at', 'label'].join('\t') + '\n');
        for (const k of keys) process.stdout.write([k.keyId, k.role, k.providerId ?? '', k.createdAt, k.label ?? ''].join('\t') + '\n');
      }
    } finally {
      store.close();
    }
    return EXIT.ok;
  }
  if (sub === 'revoke') {
    const keyId = rest[0];
    if (!keyId) throw new ParkzonesError('BAD_OPTION', 'revoke needs a KEY_ID (see parkzones keys list)', {});
    const store = await openStore();
    try {
      await revokeKey(store, keyId);
      process.stderr.write(`revoked key ${keyId}\n`);
    } finally {
      store.close();
    }
    return EXIT.ok;
  }
  throw new ParkzonesError('BAD_OPTION', `unknown keys command "${sub}" (create, list, revoke)`, {});
}
