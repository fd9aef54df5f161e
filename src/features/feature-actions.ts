import { activityActions } from './activities/activity-actions.js';
import { broadcastActions } from './broadcasts/broadcast-actions.js';
import { callActions } from './calls/call-actions.js';
import { consentActions } from './consent/consent-actions.js';
import { familyActions } from './families/family-actions.js';
import { peopleActions } from './people/people-actions.js';
import { privacyActions } from './privacy/privacy-actions.js';
import { updateActions } from './updates/update-actions.js';

/** Every action flows may call. A new feature adds its list here. */
export const featureActions = [...peopleActions, ...familyActions, ...consentActions, ...callActions, ...updateActions, ...privacyActions, ...broadcastActions, ...activityActions];
