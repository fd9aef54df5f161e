import type { FeatureContract } from '../core/feature-contract.js';
import { activitiesFeature } from './activities/activities-feature.js';
import { attentionFeature } from './attention/attention-feature.js';
import { broadcastsFeature } from './broadcasts/broadcasts-feature.js';
import { callsFeature } from './calls/calls-feature.js';
import { checkinsFeature } from './checkins/checkins-feature.js';
import { consentFeature } from './consent/consent-feature.js';
import { dashboardAccessFeature } from './dashboard-access/dashboard-access-feature.js';
import { familiesFeature } from './families/families-feature.js';
import { livingFeature } from './living/living-feature.js';
import { peopleFeature } from './people/people-feature.js';
import { privacyFeature } from './privacy/privacy-feature.js';
import { safeguardingFeature } from './safeguarding/safeguarding-feature.js';
import { updatesFeature } from './updates/updates-feature.js';

/** Every feature, by its contract with the flows. A new feature adds its line here. */
export const features: readonly FeatureContract[] = [peopleFeature, familiesFeature, consentFeature, callsFeature, updatesFeature, privacyFeature, broadcastsFeature, activitiesFeature, attentionFeature, safeguardingFeature, checkinsFeature, dashboardAccessFeature, livingFeature];
