import type { FeatureContract } from '../core/feature-contract.js';
import { activitiesFeature } from './activities/activities-feature.js';
import { attentionFeature } from './attention/attention-feature.js';
import { broadcastsFeature } from './broadcasts/broadcasts-feature.js';
import { callsFeature } from './calls/calls-feature.js';
import { checkinsFeature } from './checkins/checkins-feature.js';
import type { ProvidedByAll } from './compose-features.js';
import { consentFeature } from './consent/consent-feature.js';
import { dashboardAccessFeature } from './dashboard-access/dashboard-access-feature.js';
import { familiesFeature } from './families/families-feature.js';
import { peopleFeature } from './people/people-feature.js';
import { privacyFeature } from './privacy/privacy-feature.js';
import { safeguardingFeature } from './safeguarding/safeguarding-feature.js';
import type { SharedPorts } from './shared-ports.js';
import { updatesFeature } from './updates/updates-feature.js';

/**
 * Every feature, in the order they are created: each may use what the ones before it provide (the compiler checks,
 * see `composeFeatures`). A new feature adds its line here.
 */
export const featureModules = [
  familiesFeature,
  peopleFeature,
  consentFeature,
  updatesFeature,
  activitiesFeature,
  attentionFeature,
  callsFeature,
  broadcastsFeature,
  privacyFeature,
  safeguardingFeature,
  checkinsFeature,
  dashboardAccessFeature,
] as const;

/** Every feature by its contract with the flows (the flow linter reads these). */
export const features: readonly FeatureContract[] = featureModules;

/** The shared ports and the services every feature provides, by name. */
export type AppServices = SharedPorts & ProvidedByAll<typeof featureModules>;
