/** Publishing plans to operators: the lifecycle (draft → proposed → published → retired), its history, and the public documents of published plans. */
export {
  getPublication, listPublications, publicationHistory, publicationInForce, transitionRun, PUBLICATION_STATES, TRANSITIONS,
  type Publication, type PublicationEvent, type PublicationState, type TransitionOptions,
} from './lifecycle.ts';
export {
  loadPublishedPlans, planInForce, publishedGeographies, publishedPolicies, publishedStops, publishedGeofencingZones, publishedStationInformation,
  type PublishedPlan, type PublishedPlansOptions, type GbfsGeofencingFeature,
} from './published-documents.ts';
export { planToKeyValues, toNormalized, fromNormalized, publishedEntityId, NGSI_LD_TYPES, type NgsiLdType, type KeyValuesEntity } from './ngsi-ld-entities.ts';
export { complianceTable, complianceSql, serviceAreaBbox, type ComplianceOptions, type ComplianceRow } from './compliance.ts';
export { occupancyTable, occupancyVerdict, localDateTime, type OccupancyOptions, type OccupancyRow, type OccupancyVerdict } from './occupancy.ts';
export { mdsMonthlyReport, MDS_REPORT_HEADER, MDS_REPORT_MIN_COUNT, type MdsReportOptions, type MdsReportRow } from './mds-report.ts';
