/** Access control: API keys (stored hashed) and the role × action table. */
export { createKey, verifyKey, listKeys, revokeKey, countAdminKeys, type ApiKeyInfo, type CreatedKey, type CreateKeyOptions } from './keys.ts';
export { can, rolesFor, providerScope, isRole, ROLES, type Role, type Action, type Principal } from './roles.ts';
