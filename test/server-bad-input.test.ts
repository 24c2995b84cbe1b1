import fs from 'node:fs';
import zlib from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, cityFile, startTestServer, tableCounts, testCity, type TestServer } from './server-helpers.ts';

const city = testCity(2000, 5);
const [p0, p1] = city.providers.map((p) => p.id) as [string, string];
const LIMIT = 256 * 1024;
let t: TestServer;
let mds: Buffer;
let before: Record<string, number>;

beforeAll(async () => {
  t = await startTestServer({ operator: p0, otherOperator: p1 }, { uploadLimitBytes: LIMIT });
  const small = await cityFile(city, t.dir, 'small.json', 'mds2', (x) => x.providerId === p1);
  const r = await api(t, '/api/uploads', { key: t.keys.admin, body: fs.readFileSync(small), headers: { 'Content-Type': 'application/json' } });
  expect(r.status).toBe(201);
  mds = fs.readFileSync(await cityFile(city, t.dir, 'all.json', 'mds2'));
  expect(mds.length).toBeGreaterThan(LIMIT);
});
afterAll(async () => t?.close());

/** Every bad request must leave the tables as they were and the server serving. */
afterEach(async () => {
  if (before) expect(await tableCounts(t)).toEqual(before);
  expect((await api(t, '/api/health')).status).toBe(200);
});

async function snapshot() {
  before = await tableCounts(t);
}

function expectProblem(r: { status: number; headers: Headers; json: any }, status: number, code: string) {
  expect(r.status).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(r.json).toMatchObject({ status, code });
  expect(typeof r.json.title).toBe('string');
  expect(typeof r.json.detail).toBe('string');
  expect(r.json.type).toMatch(/^urn:parkzones:problem:/);
}

describe('uploads', () => {
  it('wrong content type → 415', async () => {
    await snapshot();
    const r = await api(t, '/api/uploads', { key: t.keys.admin, body: 'a,b\n1,2\n', headers: { 'Content-Type': 'text/plain' } });
    expectProblem(r, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(r.json.detail).toContain('got "text/plain"');
  });

  it('multipart form → 415', async () => {
    await snapshot();
    const form = new FormData();
    form.append('file', new Blob(['x']), 'trips.csv');
    const res = await fetch(`${t.url}/api/uploads`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${t.keys.admin}` } });
    expect(res.status).toBe(415);
  });

  it('malformed JSON → 400 naming the file and position, nothing stored', async () => {
    await snapshot();
    const r = await api(t, '/api/uploads?filename=broken.json', { key: t.keys.admin, body: '{"version":"2.0.0","trips":[{"trip_id": nope}]}', headers: { 'Content-Type': 'application/json' } });
    expectProblem(r, 400, 'BAD_FILE');
    expect(r.json.detail).toContain('broken.json');
    expect(r.json.file).toBe('broken.json');
  });

  it('truncated MDS file → 400, no half-stored trips', async () => {
    await snapshot();
    const cut = mds.subarray(0, Math.floor(LIMIT / 2));
    const r = await api(t, '/api/uploads?filename=cut.json', { key: t.keys.admin, body: cut, headers: { 'Content-Type': 'application/json' } });
    expectProblem(r, 400, 'BAD_FILE');
  });

  it('truncated gzip → 400', async () => {
    await snapshot();
    const gz = zlib.gzipSync(mds.subarray(0, LIMIT / 2));
    const r = await api(t, '/api/uploads', { key: t.keys.admin, body: gz.subarray(0, gz.length - 200), headers: { 'Content-Type': 'application/gzip' } });
    expectProblem(r, 400, 'BAD_FILE');
  });

  it('binary garbage → 400', async () => {
    await snapshot();
    const r = await api(t, '/api/uploads', { key: t.keys.admin, body: new Uint8Array([0, 1, 2, 3, 255, 254, 0, 7]), headers: { 'Content-Type': 'application/octet-stream' } });
    expectProblem(r, 400, 'BAD_FILE');
  });

  it('empty body → 400', async () => {
    await snapshot();
    const r = await api(t, '/api/uploads', { key: t.keys.admin, body: '', headers: { 'Content-Type': 'text/csv' } });
    expectProblem(r, 400, 'BAD_FILE');
    expect(r.json.detail).toBe('the upload body is empty: send the trip file as the request body');
  });

  it('CSV without the needed columns → 422', async () => {
    await snapshot();
    const r = await api(t, '/api/uploads?provider=x', { key: t.keys.admin, body: 'foo,bar\n1,2\n', headers: { 'Content-Type': 'text/csv' } });
    expectProblem(r, 422, 'BAD_MAPPING');
  });

  it('oversized upload with Content-Length → 413', async () => {
    await snapshot();
    const r = await api(t, '/api/uploads', { key: t.keys.admin, body: mds, headers: { 'Content-Type': 'application/json' } });
    expectProblem(r, 413, 'TOO_LARGE');
    expect(r.json.detail).toContain(`limit of ${LIMIT} bytes`);
  });

  it('oversized chunked upload (no Content-Length) → 413 and no file left behind', async () => {
    await snapshot();
    const chunks = [mds.subarray(0, LIMIT / 2), mds.subarray(LIMIT / 2, LIMIT), mds.subarray(LIMIT, LIMIT * 2)];
    const body = new ReadableStream({
      pull(controller) {
        const c = chunks.shift();
        if (c) controller.enqueue(new Uint8Array(c));
        else controller.close();
      },
    });
    const res = await fetch(`${t.url}/api/uploads`, {
      method: 'POST', body, duplex: 'half', headers: { Authorization: `Bearer ${t.keys.admin}`, 'Content-Type': 'application/json' },
    } as RequestInit);
    expect(res.status).toBe(413);
    expect((await res.json()).code).toBe('TOO_LARGE');
  });

  it('unknown format parameter → 400', async () => {
    await snapshot();
    const r = await api(t, '/api/uploads?format=xml', { key: t.keys.admin, body: 'a', headers: { 'Content-Type': 'text/csv' } });
    expectProblem(r, 400, 'BAD_OPTION');
    expect(r.json.detail).toBe('format: must be one of auto, mds1, mds2, csv, parquet, got "xml"');
  });

  it('unknown upload id → 404, non-numeric → 400', async () => {
    await snapshot();
    expectProblem(await api(t, '/api/uploads/999999', { key: t.keys.admin }), 404, 'NOT_FOUND');
    expectProblem(await api(t, '/api/uploads/abc', { key: t.keys.admin }), 400, 'BAD_OPTION');
  });
});

describe('query parameters', () => {
  it('res 20 → 400 naming res', async () => {
    await snapshot();
    const r = await api(t, '/api/cells?res=20', { key: t.keys.analyst });
    expectProblem(r, 400, 'BAD_OPTION');
    expect(r.json).toMatchObject({ option: 'res', detail: 'res: must be a whole number 7–12, got 20' });
  });

  it('from after to → 400', async () => {
    await snapshot();
    const r = await api(t, '/api/cells?from=2026-06-05&to=2026-06-01', { key: t.keys.analyst });
    expectProblem(r, 400, 'BAD_OPTION');
    expect(r.json.option).toBe('from');
  });

  it('malformed date → 400', async () => {
    await snapshot();
    expectProblem(await api(t, '/api/cells?from=yesterday', { key: t.keys.analyst }), 400, 'BAD_OPTION');
  });

  it('unknown provider → 400', async () => {
    await snapshot();
    const r = await api(t, '/api/cells?providers=nobody', { key: t.keys.analyst });
    expectProblem(r, 400, 'BAD_OPTION');
    expect(r.json.detail).toBe('providers: unknown provider "nobody"');
  });

  it('hour 25, unknown days, unknown time zone, unknown format → 400', async () => {
    await snapshot();
    for (const q of ['hours=25', 'hours=a', 'days=someday', 'tz=Mars/Olympus', 'format=xml', 'res=9.5']) {
      expectProblem(await api(t, `/api/cells?${q}`, { key: t.keys.analyst }), 400, 'BAD_OPTION');
    }
  });

  it('tiles outside the pyramid → 400', async () => {
    await snapshot();
    for (const p of ['/api/tiles/30/0/0.mvt', '/api/tiles/3/8/0.mvt', '/api/tiles/a/0/0.mvt']) {
      expectProblem(await api(t, p, { key: t.keys.planner }), 400, 'BAD_OPTION');
    }
  });

  it('unknown endpoint → 404 problem', async () => {
    await snapshot();
    expectProblem(await api(t, '/api/nothing-here', { key: t.keys.admin }), 404, 'NO_ROUTE');
  });
});

describe('JSON bodies', () => {
  it('malformed JSON → 400', async () => {
    await snapshot();
    const r = await api(t, '/api/keys', { key: t.keys.admin, body: '{"role": ', headers: { 'Content-Type': 'application/json' } });
    expectProblem(r, 400, 'BAD_BODY');
  });

  it('wrong content type for a JSON endpoint → 415', async () => {
    await snapshot();
    const r = await api(t, '/api/keys', { key: t.keys.admin, body: 'role=admin', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expectProblem(r, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('unknown field and unknown role → 400', async () => {
    await snapshot();
    expectProblem(await api(t, '/api/keys', { key: t.keys.admin, body: { role: 'mayor' } }), 400, 'BAD_OPTION');
    expectProblem(await api(t, '/api/keys', { key: t.keys.admin, body: { role: 'planner', colour: 'red' } }), 400, 'BAD_OPTION');
  });
});

describe('credentials', () => {
  it('a malformed or unknown key → 401 with WWW-Authenticate', async () => {
    await snapshot();
    for (const header of ['Bearer nope', 'Basic abc', `Bearer ${t.keys.admin.slice(0, -2)}xx`]) {
      const res = await fetch(`${t.url}/api/uploads`, { headers: { Authorization: header } });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
    }
  });
});
