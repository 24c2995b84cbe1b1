/**
 * Colours of zones in a run comparison (shared by the map layer and the legend).
 */
export const COMPARE_COLORS = {
  // None of these is near the demand ramp (yellow → orange → red → maroon, color-scale.ts).
  added: '#059669', // emerald: only in the second run
  removed: '#7c3aed', // violet: only in the first run
  moved: '#0369a1', // deep sky blue: same zone, shifted centre (its line and arrow too)
  kept: '#475569', // slate: in both runs
} as const;

/** Status of a zone in a comparison. */
export type CompareStatus = keyof typeof COMPARE_COLORS;
