/**
 * The streaming scanner of MDS payloads (engine/ingest/json-trips-scanner.ts), on its own: whatever the chunking,
 * it hands over exactly the elements of the trips array, in order, as text JSON.parse reads back to the same values.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { scanJsonTrips, type JsonPayloadInfo } from '../engine/ingest/json-trips-scanner.ts';
import { isParkzonesError } from '../engine/errors.ts';

async function scan(bytes: Buffer, cuts: number[]): Promise<{ elements: unknown[]; indexes: number[]; info: JsonPayloadInfo }> {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  async function* chunks(): AsyncGenerator<Buffer> {
    let at = 0;
    for (const p of [...points, bytes.length]) {
      if (p > at) yield bytes.subarray(at, p);
      at = Math.max(at, p);
    }
  }
  const info: JsonPayloadInfo = { version: null, tripsPath: null };
  const elements: unknown[] = [];
  const indexes: number[] = [];
  for await (const batch of scanJsonTrips(chunks(), 'payload.json', info)) {
    for (const el of batch) {
      elements.push(JSON.parse(el.text));
      indexes.push(el.index);
    }
  }
  return { elements, indexes, info };
}

// Strings with quotes, backslashes, escapes, control characters and non-ASCII text: where a scanner can lose its place.
const tricky = fc.oneof(
  fc.string(),
  fc.constantFrom('"', '\\', '\\"', '"\\', '\\\\"', '{', '}', '[', ']', ',', ':', 'é', '\u2028', '🛴', '\n\t'),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    tricky,
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(tricky, tie('v'), { maxKeys: 4 }),
  ),
})).v;
const trip = fc.record({ trip_id: tricky, provider_id: fc.uuid(), end_location: fc.record({ lat: fc.double(), lng: fc.double() }), extra: value });
const element = fc.oneof({ weight: 4, arbitrary: trip }, { weight: 1, arbitrary: value });

describe('scanJsonTrips', () => {
  it('finds every element of the trips array, whatever the payload shape, spacing and chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(element, { maxLength: 12 }),
        fc.constantFrom('mds2', 'mds1', 'bare'),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 40 }),
        async (trips, shape, spaced, cuts) => {
          const version = shape === 'mds1' ? '1.2.0' : '2.0.0';
          const payload = shape === 'bare' ? trips : shape === 'mds1' ? { version, data: { trips }, links: { next: 'x"y' } } : { trips, version };
          const text = JSON.stringify(payload, null, spaced ? 2 : undefined);
          const got = await scan(Buffer.from(text), cuts);
          expect(got.elements).toEqual(JSON.parse(JSON.stringify(trips)));
          expect(got.indexes).toEqual(trips.map((_, i) => i + 1));
          expect(got.info.tripsPath).toBe(shape === 'bare' ? '' : shape === 'mds1' ? 'data.trips' : 'trips');
          if (shape !== 'bare') expect(got.info.version).toBe(version);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('one byte at a time, with escapes at every chunk edge', async () => {
    const trips = [{ trip_id: 'a\\"b', note: '\\\\', n: -1.5e-7 }, { trip_id: '"', deep: [[{ x: '}]' }]] }];
    const text = JSON.stringify({ version: '2.0.0', trips });
    const got = await scan(Buffer.from(text), Array.from({ length: text.length }, (_, i) => i));
    expect(got.elements).toEqual(trips);
  });

  it.each([
    ['truncated inside a string', '{"trips":[{"trip_id":"ab', /truncated at byte/],
    ['a bracket that does not match', '{"trips":[{"a":1]]}', /not valid JSON at byte \d+: unexpected \]/],
    ['content after the document', '{"trips":[]} x', /content after the end of the document/],
  ])('%s is BAD_FILE naming the byte', async (_name, text, message) => {
    const e = await scan(Buffer.from(text), [3, 7]).catch((x: unknown) => x);
    expect(isParkzonesError(e, 'BAD_FILE')).toBe(true);
    expect((e as Error).message).toMatch(message);
  });
});
