import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { chooseInstants, emptyNote, parseDate, parseDateAndTime, parseTimeOfDay, parseTimestamp } from '../engine/ingest/parse-time.ts';

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

describe('wall times at daylight-saving changes', () => {
  it('a time the clock showed twice is the earlier instant, and the note holds the later one', () => {
    const note = emptyNote();
    // New York, 7 Nov 2021: 2:00 EDT became 1:00 EST.
    expect(parseTimestamp('2021-11-07 01:46', 'America/New_York', note)).toBe(Date.UTC(2021, 10, 7, 5, 46));
    expect(note).toEqual({ local: true, later: Date.UTC(2021, 10, 7, 6, 46), gap: false });
    expect(parseTimestamp('2021-11-07 02:46', 'America/New_York', note)).toBe(Date.UTC(2021, 10, 7, 7, 46));
    expect(note).toEqual({ local: true, later: NaN, gap: false });
    expect(parseDateAndTime('11/7/2021', '1:12', 'America/New_York', note)).toBe(Date.UTC(2021, 10, 7, 5, 12));
    expect(note.later).toBe(Date.UTC(2021, 10, 7, 6, 12));
  });

  it('a time that does not exist is read with the offset before the change, and noted', () => {
    const note = emptyNote();
    // New York, 14 Mar 2021: 2:00 EST became 3:00 EDT; 2:30 is 3:30 EDT (07:30 UTC).
    expect(parseTimestamp('2021-03-14 02:30', 'America/New_York', note)).toBe(Date.UTC(2021, 2, 14, 7, 30));
    expect(note).toEqual({ local: true, later: NaN, gap: true });
    expect(parseTimestamp('2021-03-14T02:30:00Z', 'America/New_York', note)).toBe(Date.UTC(2021, 2, 14, 2, 30));
    expect(note).toEqual({ local: false, later: NaN, gap: false });
  });

  it('far from the UTC meridian (UTC+14, UTC-10) the offset is the one of the instant meant', () => {
    expect(parseTimestamp('2021-06-01 03:00', 'Pacific/Kiritimati')).toBe(Date.UTC(2021, 4, 31, 13));
    expect(parseTimestamp('2021-06-01 20:00', 'Pacific/Honolulu')).toBe(Date.UTC(2021, 5, 2, 6));
    // Sydney falls back on 4 Apr 2021 at 3:00 AEDT: 2:30 was shown twice.
    const note = emptyNote();
    expect(parseTimestamp('2021-04-04 02:30', 'Australia/Sydney', note)).toBe(Date.UTC(2021, 3, 3, 15, 30));
    expect(note.later).toBe(Date.UTC(2021, 3, 3, 16, 30));
  });
});

describe('chooseInstants', () => {
  const [a, aLater, b, bLater] = [1000_000, 1000_000 + 3600_000, 1500_000, 1500_000 + 3600_000];
  it('takes the reading whose length fits the duration', () => {
    expect(chooseInstants(a, aLater, b + 3600_000, NaN, 500)).toEqual({ start: aLater, end: b + 3600_000, ambiguous: false });
    expect(chooseInstants(a, NaN, b, bLater, 500)).toEqual({ start: a, end: b, ambiguous: false });
  });
  it('takes the only reading that does not end before its start', () => {
    expect(chooseInstants(b, NaN, a, aLater, null)).toEqual({ start: b, end: aLater, ambiguous: false });
  });
  it('says when the duration cannot tell, and keeps the earlier instants', () => {
    expect(chooseInstants(a, aLater, b, bLater, 500)).toEqual({ start: a, end: b, ambiguous: true });
    expect(chooseInstants(a, aLater, b + 3600_000, NaN, null)).toEqual({ start: a, end: b + 3600_000, ambiguous: true });
  });
  it('keeps the earlier instants when every reading ends before it starts', () => {
    expect(chooseInstants(b + 7200_000, NaN, a, aLater, null)).toEqual({ start: b + 7200_000, end: a, ambiguous: false });
  });
});
