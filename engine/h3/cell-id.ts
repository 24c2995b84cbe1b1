/** Conversions between the two spellings of an H3 cell id: the 64-bit integer DuckDB stores and the 15-hex-digit string people read. */

/** The usual lowercase hex string of a cell id (as h3-js prints it). */
export function cellToHex(cell: bigint): string {
  return cell.toString(16);
}

/** The 64-bit id of a hex cell string. Throws on a string that is not hex. */
export function hexToCell(hex: string): bigint {
  if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) throw new Error(`not an H3 cell id: ${JSON.stringify(hex)}`);
  return BigInt('0x' + hex);
}
