import { describe, expect, it } from 'vitest';
import { complianceSeries } from '../web/src/compliance-chart.ts';
import { allowedMoves } from '../web/src/publish-panel.ts';
import { occupancyFeatures, OCCUPANCY_COLORS } from '../web/src/occupancy-layer.ts';
import { can, ROLES } from '../engine/access/roles.ts';
import { PUBLICATION_STATES, TRANSITIONS } from '../engine/publish/lifecycle.ts';

describe('the page’s publication panel', () => {
  it('offers exactly the moves the engine allows each role', () => {
    for (const role of ROLES)
      for (const state of PUBLICATION_STATES) {
        const engine = Object.entries(TRANSITIONS[state]).filter(([, action]) => can(role, action!)).map(([to]) => to).sort();
        expect([...allowedMoves(role, state)].sort(), `${role} from ${state}`).toEqual(engine);
      }
    expect(allowedMoves(null, 'draft')).toEqual([]);
  });

  it('sums the before and after rows of a week into one point per operator and week', () => {
    const series = complianceSeries([
      { providerId: 'b', period: '2026-06-08', phase: 'after', tripEnds: 10, inZone: 6, nearZone: 8, noParking: 1 },
      { providerId: 'a', period: '2026-06-08', phase: 'after', tripEnds: 4, inZone: 3, nearZone: 3, noParking: 0 },
      { providerId: 'a', period: '2026-06-08', phase: 'before', tripEnds: 6, inZone: 1, nearZone: 2, noParking: 2 },
      { providerId: 'a', period: '2026-06-01', phase: 'before', tripEnds: 10, inZone: 2, nearZone: 5, noParking: 4 },
    ]);
    expect(series).toEqual([
      { providerId: 'a', points: [{ period: '2026-06-01', share: 0.2, tripEnds: 10 }, { period: '2026-06-08', share: 0.4, tripEnds: 10 }] },
      { providerId: 'b', points: [{ period: '2026-06-08', share: 0.6, tripEnds: 10 }] },
    ]);
  });

  it('places occupancy rings at the zone centres, [lng, lat], coloured by verdict', () => {
    const fc = occupancyFeatures([{ zoneId: 'Z1', centerLat: 38.25, centerLng: -85.75, capacity: 4, percentilePeak: 5, ratio: 1.25, verdict: 'full', suggestedCapacity: 6 }]);
    expect(fc.features[0]!.geometry.coordinates).toEqual([-85.75, 38.25]);
    expect(fc.features[0]!.properties).toMatchObject({ color: OCCUPANCY_COLORS.full, suggested: 6 });
  });
});
