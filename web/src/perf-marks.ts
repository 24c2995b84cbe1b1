/**
 * Performance marks (`pz:NAME`) at the steps from sign-in to zones on the map, for bench/signin-waterfall.ts and the
 * browser's own performance panel. A mark costs microseconds; nothing reads them in the page.
 */
export function perfMark(name: string): void {
  try {
    performance.mark(`pz:${name}`);
  } catch {
    // performance.mark may be missing (old browsers): marks are only a diagnostic.
  }
}
