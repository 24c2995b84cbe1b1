import { describe, expect, it } from 'vitest';
import { proposeZonesFromDemand, resolveZoneOptions, ParkzonesError } from '../engine/index.ts';
import { proposeZonesOffThread } from '../engine/zones/propose-off-thread.ts';
import type { PeaksFn, ZoneStage } from '../engine/zones/propose-zones.ts';
import { syntheticDemand } from '../bench/zones-synth.ts';

const { demand } = syntheticDemand({ cells: 8_000, res: 11, seed: 5 });
const options = resolveZoneOptions({ k: 150, walkRadiusM: 150, optimize: 'local' });
// Sizing from the demand itself: a stand-in for the store's parked peaks that the worker must ask this thread for.
const peaks: PeaksFn = async (d, groups, groupCount) => {
  const out = new Float64Array(groupCount);
  for (let c = 0; c < d.count; c++) if (groups[c]! >= 0) out[groups[c]!] += d.trips[c]! / 50;
  return out;
};

describe('zone proposal in a worker thread', () => {
  it('gives the same proposal as the in-thread call, sizing zones through the parent thread', async () => {
    const here = await proposeZonesFromDemand(demand, options, { peaks });
    const there = await proposeZonesOffThread(demand, options, { peaks });
    expect(there.zones).toEqual(here.zones);
    expect(there.curve).toEqual(here.curve);
    expect(there.summary).toEqual(here.summary);
    expect(there.summary.capacitySized).toBe(true);
  });

  it('leaves the event loop free while the zones are selected', async () => {
    // A 5 ms timer keeps firing during the solve stage only when the solve runs on another thread.
    let ticks = 0;
    let solving = false;
    let ticksWhileSolving = 0;
    const timer = setInterval(() => {
      ticks++;
      if (solving) ticksWhileSolving++;
    }, 5);
    const stages: ZoneStage[] = [];
    try {
      await proposeZonesOffThread(demand, options, {
        peaks,
        onProgress: (_f, stage) => {
          if (stages.at(-1) !== stage) stages.push(stage);
          solving = stage === 'solve';
        },
      });
    } finally {
      clearInterval(timer);
    }
    expect(stages).toContain('solve');
    expect(ticks).toBeGreaterThan(0);
    expect(ticksWhileSolving).toBeGreaterThan(0);
  });

  it('reports the worker\'s typed error', async () => {
    const wrongRes = resolveZoneOptions({ k: 5, res: 10 });
    const err = await proposeZonesOffThread(demand, wrongRes).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParkzonesError);
    expect((err as ParkzonesError).code).toBe('BAD_OPTION');
    expect((err as ParkzonesError).message).toMatch(/res: demand cells are at resolution 11/);
  });
});
