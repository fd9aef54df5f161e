import { fileURLToPath } from 'node:url';
import { defineFeature } from '../../core/feature-contract.js';
import { KEEP_SCHEDULED_EVERY_MS } from '../shared-ports.js';
import { createActivityServices } from './activity-services.js';
import { defaultCurriculumDir } from './curriculum-dir.js';
import { loadCurriculum } from './curriculum-loader.js';
import type { ActivitiesDeps, ActivitiesProvides } from './activities-ports.js';
import { activityActions, PLAY_ANSWERS } from './activity-actions.js';
import { ACTIVITY_EVENTS } from './activity-events.js';
import { PARENT_NOTE_FLOW } from './play-weeks.js';
import { PROGRESS_NOTE_FLOW } from './play-progress.js';
import { REMINDER_FLOW } from './play-schedules.js';

/** The activities feature's side of the contract with the flows (checked by `npm run flows:lint`). */
export const activitiesFeature = defineFeature<ActivitiesDeps, ActivitiesProvides>({
  feature: 'activities',
  declaredIn: fileURLToPath(import.meta.url),
  startsFlows: [REMINDER_FLOW, PROGRESS_NOTE_FLOW, PARENT_NOTE_FLOW],
  emits: [...Object.values(ACTIVITY_EVENTS)],
  readsChoices: [{ flow: REMINDER_FLOW, step: 'show', choices: [...PLAY_ANSWERS] }],
  actions: activityActions,
  create(deps) {
    const activities = createActivityServices({
      db: deps.db,
      clock: deps.clock,
      reminders: deps.reminders,
      curriculum: loadCurriculum(deps.settings.curriculumDir ?? defaultCurriculumDir),
      synthesizer: deps.synthesizer,
      logger: deps.logger,
      intake: deps.updates.intake,
      store: deps.mediaStore,
      addressOf: deps.addressOf,
    });
    return { provides: { activities }, jobs: [{ id: 'activities.keep-scheduled', everyMs: KEEP_SCHEDULED_EVERY_MS, run: () => activities.schedules.keepScheduled() }] };
  },
});
