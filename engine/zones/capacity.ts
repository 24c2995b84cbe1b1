/** Options of {@link capacityFromPeak}: the capacity part of ZoneOptions. */
export interface CapacityOptions {
  /** Multiplier on the percentile peak. */
  safetyFactor: number;
  /** Smallest capacity, slots. */
  minCapacity: number;
  /** Largest capacity, slots; null = none. */
  maxCapacity: number | null;
}

/**
 * Parking slots a zone needs: its percentile peak of vehicles parked at once × the safety factor, rounded up to whole
 * slots, then held between the floor and the ceiling.
 * @param percentilePeak the chosen percentile (p85 by default) of the zone's daily peaks, vehicles
 * @returns whole slots
 * @example
 * capacityFromPeak(5, { safetyFactor: 1.2, minCapacity: 2, maxCapacity: null }) // → 6
 */
export function capacityFromPeak(percentilePeak: number, options: CapacityOptions): number {
  const raw = Number.isFinite(percentilePeak) && percentilePeak > 0 ? percentilePeak * options.safetyFactor : 0;
  // 5 × 1.2 is 6.000000000000001 in floating point: round away such dust before taking the ceiling.
  let slots = Math.ceil(Math.round(raw * 1e9) / 1e9);
  if (slots < options.minCapacity) slots = options.minCapacity;
  if (options.maxCapacity !== null && slots > options.maxCapacity) slots = options.maxCapacity;
  return slots;
}
