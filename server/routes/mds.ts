import type { Express, Request, Response } from 'express';
import {
  loadPublishedPlans, MDS_VERSION, NGSI_LD_CONTEXT, NGSI_LD_TYPES, ParkzonesError, planInForce, planToKeyValues, publishedGeofencingZones, publishedGeographies,
  publishedPolicies, publishedStationInformation, publishedStops, toNormalized,
} from '../../engine/index.ts';
import type { ResolvedDeps } from '../deps.ts';
import { HttpProblem } from '../problem.ts';
import { qChoice, qString } from '../params.ts';

/** Media type of every MDS response, with the version MDS 2.0 asks servers to name. */
export const MDS_MEDIA_TYPE = 'application/vnd.mds+json;version=2.0';

const MDS_MINOR = MDS_VERSION.split('.').slice(0, 2).join('.');

/**
 * MDS content negotiation: a client may ask for `application/vnd.mds+json;version=X.Y`; any version but ours is 406.
 * Other Accept headers (none, application/json, *\/*) get our version.
 */
function negotiateMds(req: Request): void {
  const accept = req.headers.accept ?? '';
  for (const part of accept.split(',')) {
    const m = /^\s*application\/vnd\.mds\+json\s*;(.*)$/i.exec(part);
    if (!m) continue;
    const v = /version\s*=\s*"?([\d.]+)"?/i.exec(m[1]!);
    if (v && v[1] !== MDS_MINOR && v[1] !== MDS_VERSION) {
      throw new HttpProblem(406, 'NOT_ACCEPTABLE', 'Not acceptable', `MDS version ${v[1]} is not served; this server speaks MDS ${MDS_MINOR} (${MDS_MEDIA_TYPE})`);
    }
  }
}

function sendMds(res: Response, body: unknown): void {
  res.set('Cache-Control', 'no-cache').type(MDS_MEDIA_TYPE).send(JSON.stringify(body));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function uuidParam(req: Request, name: string): string {
  const id = String(req.params[name]);
  if (!UUID.test(id)) throw new ParkzonesError('BAD_OPTION', `${name}: must be a UUID, got "${id}"`, { option: name });
  return id.toLowerCase();
}

/**
 * The public feeds operators' systems poll, without a key, of published plans only: MDS 2.0 Geography
 * (`/mds/geographies`), Policy (`/mds/policies`) and Stops (`/mds/stops`); GBFS 2.3 geofencing_zones and
 * station_information (`/gbfs/…`); NGSI-LD entities as a context broker answers (`/ngsi-ld/v1/entities`).
 */
export function registerMds(app: Express, deps: ResolvedDeps): void {
  const plans = () => loadPublishedPlans(deps.store);

  app.get('/mds/geographies', async (req, res) => {
    negotiateMds(req);
    const geographies = publishedGeographies(await plans());
    const updated = geographies.reduce((m, g) => Math.max(m, g.published_date), 0);
    sendMds(res, { version: MDS_VERSION, updated: updated || Date.now(), geographies });
  });

  app.get('/mds/geographies/:id', async (req, res) => {
    negotiateMds(req);
    const id = uuidParam(req, 'id');
    const geography = publishedGeographies(await plans()).find((g) => g.geography_id === id);
    if (!geography) throw new ParkzonesError('NOT_FOUND', `no published geography ${id}`, { option: 'id' });
    sendMds(res, { version: MDS_VERSION, geography });
  });

  app.get('/mds/policies', async (req, res) => {
    negotiateMds(req);
    const now = Date.now();
    const policies = publishedPolicies(await plans(), now);
    const updated = policies.reduce((m, p) => Math.max(m, p.published_date), 0);
    sendMds(res, { version: MDS_VERSION, updated: updated || now, policies });
  });

  app.get('/mds/policies/:id', async (req, res) => {
    negotiateMds(req);
    const id = uuidParam(req, 'id');
    const policy = publishedPolicies(await plans(), Number.NEGATIVE_INFINITY).find((p) => p.policy_id === id);
    if (!policy) throw new ParkzonesError('NOT_FOUND', `no published policy ${id}`, { option: 'id' });
    sendMds(res, { version: MDS_VERSION, updated: policy.published_date, policies: [policy] });
  });

  app.get('/mds/stops', async (req, res) => {
    negotiateMds(req);
    const now = Date.now();
    sendMds(res, publishedStops(planInForce(await plans(), now), now));
  });

  app.get('/gbfs/geofencing_zones.json', async (_req, res) => {
    const now = Date.now();
    res.set('Cache-Control', 'no-cache').json(publishedGeofencingZones(planInForce(await plans(), now), now));
  });

  app.get('/gbfs/station_information.json', async (_req, res) => {
    const now = Date.now();
    res.set('Cache-Control', 'no-cache').json(publishedStationInformation(planInForce(await plans(), now), now));
  });

  app.get('/ngsi-ld/v1/entities', async (req, res) => {
    const type = qString(req, 'type');
    if (type === undefined) throw new ParkzonesError('BAD_OPTION', `type: name an entity type (${NGSI_LD_TYPES.join(' or ')})`, { option: 'type' });
    const types = type.split(',');
    for (const t of types) {
      if (!(NGSI_LD_TYPES as readonly string[]).includes(t)) throw new ParkzonesError('BAD_OPTION', `type: must be ${NGSI_LD_TYPES.join(' or ')}, got "${t}"`, { option: 'type' });
    }
    const options = qString(req, 'options');
    const keyValues = options !== undefined && options.split(',').includes('keyValues');
    const download = qChoice(req, 'download', ['true', 'false'], 'false') === 'true';
    const now = Date.now();
    const plan = planInForce(await plans(), now);
    const kv = plan ? types.flatMap((t) => planToKeyValues(plan, t as (typeof NGSI_LD_TYPES)[number])) : [];
    const withContext = !/application\/json/i.test(req.headers.accept ?? '') || /ld\+json/i.test(req.headers.accept ?? '');
    const body = keyValues ? kv.map((e) => (withContext ? { ...e, '@context': toNormalized(e, true)['@context'] } : e)) : kv.map((e) => toNormalized(e, withContext));
    if (!withContext) res.set('Link', `<${NGSI_LD_CONTEXT[0]}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`);
    if (download) res.set('Content-Disposition', `attachment; filename="parkzones-${types.join('-')}.jsonld"`);
    res.set('Cache-Control', 'no-cache').type(withContext ? 'application/ld+json' : 'application/json').send(JSON.stringify(body));
  });
}
