import { describe, expect, it } from 'vitest';
import { classLabel, fixedClasses, nice, periodDays, PER_DAY_BREAKS_RES9 } from '../web/src/color-scale.ts';

describe('fixed demand colour classes', () => {
  it('are the documented per-day breaks at res 9, 7× lower per finer resolution', () => {
    expect(fixedClasses(9, 'perDay').map((c) => c.lower)).toEqual([0, ...PER_DAY_BREAKS_RES9]);
    expect(fixedClasses(10, 'perDay').map((c) => c.lower)).toEqual([0, 0.15, 0.4, 1.5, 4, 15]);
    expect(fixedClasses(8, 'perDay').map((c) => c.lower)).toEqual([0, 8, 20, 80, 200, 800]);
    expect(fixedClasses(9, 'perDay').map((c) => c.color)).toHaveLength(6);
  });

  it('in trip ends, scale the per-day breaks by the days of data, in whole numbers', () => {
    expect(fixedClasses(9, 'trips', 7).map((c) => c.lower)).toEqual([0, 8, 20, 80, 200, 800]);
    expect(fixedClasses(11, 'trips', 1).map((c) => c.lower)).toEqual([0, 2]);
  });

  it('rounds to readable numbers', () => {
    expect([nice(7), nice(21), nice(0.14), nice(490)]).toEqual([8, 20, 0.15, 500]);
  });

  it('labels classes in their unit', () => {
    const [first, second, , , , last] = fixedClasses(9, 'perDay');
    expect([classLabel(first!, 'perDay'), classLabel(second!, 'perDay'), classLabel(last!, 'perDay')]).toEqual(['< 1', '1–3', '≥ 100']);
    const t = fixedClasses(9, 'trips', 7);
    expect([classLabel(t[0]!), classLabel(t[1]!)]).toEqual(['1–7', '8–19']);
  });

  it('counts the days of data in a period, widened to whole months for non-admins', () => {
    const data = { from: '2026-03-03', to: '2026-04-20' };
    expect(periodDays({}, data, false)).toBe(49);
    expect(periodDays({ from: '2026-03-10', to: '2026-03-16' }, data, false)).toBe(7);
    expect(periodDays({ from: '2026-03-10', to: '2026-03-16' }, data, true)).toBe(29); // 3–31 March: the data starts on the 3rd
    expect(periodDays({ from: '2026-04-01' }, data, true)).toBe(20);
    expect(periodDays({ from: '2027-01-01' }, data, false)).toBe(1); // no data in the period: at least 1
    expect(periodDays({ from: '2026-03-10', to: '2026-03-16' }, null, false)).toBe(7);
  });
});
