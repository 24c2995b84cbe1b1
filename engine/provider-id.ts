/**
 * The one rule for provider ids, wherever they come from (an operator key, `?provider=`, `--provider`, a file's
 * provider column): 1–128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit. MDS provider ids
 * (UUIDs) and names such as `biketown` fit; NUL bytes, `../` and spreadsheet formulas (`=cmd|…`, `-2+3`) do not.
 */

/** The rule as a JavaScript regular expression. */
export const PROVIDER_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The same rule for DuckDB's regexp_full_match (RE2). */
export const PROVIDER_ID_SQL_PATTERN = '[A-Za-z0-9][A-Za-z0-9._:-]{0,127}';

/** The rule in words, for messages. */
export const PROVIDER_ID_RULE = '1–128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit';

/** True when `id` is a valid provider id. */
export function isValidProviderId(id: string): boolean {
  return PROVIDER_ID_RE.test(id);
}
