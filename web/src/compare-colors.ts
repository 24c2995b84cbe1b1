/**
 * Colours of zones in a run comparison (shared by the map layer and the legend).
 */
export const COMPARE_COLORS = {
  added: '#16a34a', // green: only in the second run
  removed: '#dc2626', // red: only in the first run
  moved: '#f59e0b', // amber: same zone, shifted centre
  kept: '#64748b', // slate: in both runs
} as const;

/** Status of a zone in a comparison. */
export type CompareStatus = keyof typeof COMPARE_COLORS;
