import { fileURLToPath } from 'node:url';
import { defineFeature } from '../../core/feature-contract.js';
import { activityActions, PLAY_ANSWERS } from './activity-actions.js';
import { ACTIVITY_EVENTS } from './activity-events.js';
import { PARENT_NOTE_FLOW } from './play-weeks.js';
import { PROGRESS_NOTE_FLOW } from './play-progress.js';
import { REMINDER_FLOW } from './play-schedules.js';

/** The activities feature's side of the contract with the flows (checked by `npm run flows:lint`). */
export const activitiesFeature = defineFeature({
  feature: 'activities',
  declaredIn: fileURLToPath(import.meta.url),
  startsFlows: [REMINDER_FLOW, PROGRESS_NOTE_FLOW, PARENT_NOTE_FLOW],
  emits: [...Object.values(ACTIVITY_EVENTS)],
  readsChoices: [{ flow: REMINDER_FLOW, step: 'show', choices: [...PLAY_ANSWERS] }],
  actions: activityActions,
});
