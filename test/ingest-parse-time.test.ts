import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { parseDate, parseDateAndTime, parseTimeOfDay, parseTimestamp } from '../engine/ingest/parse-time.ts';

describe('parseTimestamp', () => {
  it('reads ISO UTC times exactly as Date.parse does (fast path and general path)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('1990-01-01'), max: Date.parse('2060-01-01') }), fc.boolean(), (ms, withMs) => {
        const iso = new Date(withMs ? ms : Math.floor(ms / 1000) * 1000).toISOString();
        const text = withMs ? iso : iso.replace('.000Z', 'Z');
        expect(parseTimestamp(text, 'UTC')).toBe(Date.parse(text));
        expect(parseTimestamp(text.replace('T', ' '), 'UTC')).toBe(Date.parse(text));
      }),
      { numRuns: 2000 },
    );
  });

  it.each(['2026-02-30T00:00:00Z', '2026-02-29T00:00:00Z', '2026-04-31T10:00:00Z', '2026-13-01T00:00:00Z', '2026-06-01T25:00:00Z', '2026-02-30 10:00', '2/30/2026 10:00', 'yesterday', ''])(
    'refuses %j (NaN)',
    (text) => {
      expect(parseTimestamp(text, 'UTC')).toBeNaN();
    },
  );

  it('accepts 29 February in a leap year', () => {
    expect(parseTimestamp('2024-02-29T12:00:00Z', 'UTC')).toBe(Date.UTC(2024, 1, 29, 12));
  });

  it('reads offsets, and local wall times in the given zone', () => {
    expect(parseTimestamp('2026-06-01T10:00:00+02:00', 'UTC')).toBe(Date.UTC(2026, 5, 1, 8));
    expect(parseTimestamp('2026-06-01 10:00', 'Europe/Paris')).toBe(Date.UTC(2026, 5, 1, 8));
    expect(parseTimestamp('6/1/2026 10:00 PM', 'America/Los_Angeles')).toBe(Date.UTC(2026, 5, 2, 5));
  });

  it('takes a plain number as milliseconds (the row checks reject seconds)', () => {
    expect(parseTimestamp('1780295493781', 'UTC')).toBe(1780295493781);
    expect(parseTimestamp('1780295493', 'UTC')).toBe(1780295493);
  });
});

describe('parseDateAndTime', () => {
  it('joins a date column and a time-of-day column in the zone, across the autumn change', () => {
    // 2026-11-01 01:30 happens twice in Los Angeles; the first (PDT, UTC−7) is taken.
    expect(parseDateAndTime('11/1/2026', '1:30', 'America/Los_Angeles')).toBe(Date.UTC(2026, 10, 1, 8, 30));
    expect(parseDateAndTime('2019-08-01', '00:15', 'America/Kentucky/Louisville')).toBe(Date.UTC(2019, 7, 1, 4, 15));
  });

  it('refuses an impossible date or time', () => {
    expect(parseDateAndTime('2/30/2026', '1:30', 'UTC')).toBeNaN();
    expect(parseDateAndTime('2026-01-01', '25:00', 'UTC')).toBeNaN();
  });
});

describe('dates carrying a time, and 12-hour clocks anywhere', () => {
  it('a date with a midnight time is its date; a date with any time too', () => {
    expect(parseDate('08/30/2021 12:00:00 AM')).toEqual([2021, 8, 30]);
    expect(parseDate('2021-08-30T00:00:00.000')).toEqual([2021, 8, 30]);
    expect(parseDate('2021-08-30 00:00')).toEqual([2021, 8, 30]);
    expect(parseDate('08/30/2021 junk')).toBeNull();
    expect(parseDateAndTime('08/30/2021 12:00:00 AM', '04:51:20', 'UTC')).toBe(Date.UTC(2021, 7, 30, 4, 51, 20));
  });

  it('AM/PM, a.m./p.m. and 12 o\'clock in every form', () => {
    expect(parseTimeOfDay('12:07:30 a.m.')).toEqual([0, 7, 30, 0]);
    expect(parseTimeOfDay('12:00 PM')).toEqual([12, 0, 0, 0]);
    expect(parseTimeOfDay('11:58:00 p.m.')).toEqual([23, 58, 0, 0]);
    expect(parseTimeOfDay('13:00 PM')).toBeNull();
    expect(parseTimeOfDay('0:30 AM')).toBeNull();
    expect(parseTimestamp('2021-08-30 04:51:20 PM', 'UTC')).toBe(Date.UTC(2021, 7, 30, 16, 51, 20));
    expect(parseTimestamp('2021-08-30 12:15 am', 'UTC')).toBe(Date.UTC(2021, 7, 30, 0, 15));
    expect(parseTimestamp('08/30/2021 12:15:09.5 PM', 'UTC')).toBe(Date.UTC(2021, 7, 30, 12, 15, 9, 500));
  });
});
