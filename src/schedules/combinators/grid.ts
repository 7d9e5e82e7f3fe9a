/**
 * Relative tolerance for landing on a grid point: time computed in floating point can fall a hair
 * short of one (0.3 / 0.1 = 2.9999999999999996, 15 * p % p = p - 1e-16). Such a time counts as on
 * the grid point. 1e-12 of a period is far below any real step yet far above float noise.
 */
export const GRID_SNAP = 1e-12;
