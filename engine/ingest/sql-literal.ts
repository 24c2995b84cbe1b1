/** A SQL string literal of `s` (quotes doubled), or NULL; for the few values put into SQL text, such as file paths. */
export function sqlString(s: string | null): string {
  return s === null ? 'NULL' : `'${s.replaceAll("'", "''")}'`;
}
