/** Publishing plans to operators: the lifecycle (draft → proposed → published → retired) and its history. */
export {
  getPublication, listPublications, publicationHistory, publicationInForce, transitionRun, PUBLICATION_STATES, TRANSITIONS,
  type Publication, type PublicationEvent, type PublicationState, type TransitionOptions,
} from './lifecycle.ts';
