/**
 * Nearest point of the hexagonal lattice to a fractional axial position, and how far inside its hexagon the
 * position lies. Axial (a, b) sits at hex2d (a − b/2, b·√3/2); lattice points one apart are neighbours.
 */

/**
 * Rounds fractional axial (af, bf) to the hexagon containing it: writes its axial (a, b) into out[0], out[1] and
 * returns the distance (hex2d units) from the point to that hexagon's nearest edge (0.5 at the centre).
 */
export function roundAxial(af: number, bf: number, out: Int32Array): number {
  const a0 = Math.floor(af);
  const b0 = Math.floor(bf);
  const fa = af - a0;
  const fb = bf - b0;
  // Squared-distance gaps between the corners of the unit rhombus, each twice the distance to their bisector.
  const g10 = 1 + fb - 2 * fa; // |X−P10|² − |X−P00|²
  const g11 = 1 - fa - fb; // |X−P11|² − |X−P00|²
  let da = 0;
  let db = 0;
  let margin: number;
  if (fa >= fb) {
    // triangle P00, P10, P11
    const g = g11 - g10; // |X−P11|² − |X−P10|²
    if (g10 > 0 && g11 > 0) margin = Math.min(g10, g11);
    else if (g10 <= 0 && g > 0) {
      da = 1;
      margin = Math.min(-g10, g);
    } else {
      da = 1;
      db = 1;
      margin = Math.min(-g11, -g);
    }
  } else {
    // triangle P00, P01, P11
    const g01 = 1 + fa - 2 * fb; // |X−P01|² − |X−P00|²
    const g = g11 - g01; // |X−P11|² − |X−P01|²
    if (g01 > 0 && g11 > 0) margin = Math.min(g01, g11);
    else if (g01 <= 0 && g > 0) {
      db = 1;
      margin = Math.min(-g01, g);
    } else {
      da = 1;
      db = 1;
      margin = Math.min(-g11, -g);
    }
  }
  out[0] = a0 + da;
  out[1] = b0 + db;
  return margin / 2;
}
