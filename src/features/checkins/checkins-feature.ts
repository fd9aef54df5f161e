import { fileURLToPath } from 'node:url';
import { defineFeature } from '../../core/feature-contract.js';
import { KEEP_SCHEDULED_EVERY_MS } from '../shared-ports.js';
import { createCheckInServices } from './checkin-services.js';
import { defaultInstrumentsDir } from './instruments-dir.js';
import type { CheckinsDeps, CheckinsProvides } from './checkins-ports.js';
import { checkinActions } from './checkin-actions.js';
import { CHECKIN_EVENTS, CHECKIN_FLOW } from './checkin-events.js';

/** The check-ins feature's side of the contract with the flows (checked by `npm run flows:lint`). */
export const checkinsFeature = defineFeature<CheckinsDeps, CheckinsProvides>({
  feature: 'checkins',
  declaredIn: fileURLToPath(import.meta.url),
  startsFlows: [CHECKIN_FLOW],
  emits: Object.values(CHECKIN_EVENTS),
  readsChoices: [{ flow: CHECKIN_FLOW, step: 'ask', choices: ['yes', 'not_yet', 'not_sure'] }],
  actions: checkinActions,
  create(deps) {
    const checkins = createCheckInServices({
      db: deps.db,
      clock: deps.clock,
      reminders: deps.reminders,
      events: deps.events,
      synthesizer: deps.synthesizer,
      speechVoice: (locale) => deps.activities.curriculum.speechVoice(locale),
      logger: deps.logger,
      instrumentsDir: deps.settings.instrumentsDir ?? defaultInstrumentsDir,
    });
    return { provides: { checkins }, jobs: [{ id: 'checkins.keep-scheduled', everyMs: KEEP_SCHEDULED_EVERY_MS, run: () => checkins.schedules.keepScheduled().then(() => undefined) }] };
  },
});
