import { fileURLToPath } from 'node:url';
import { defineFeature } from '../../core/feature-contract.js';
import { DEFAULT_MEDIA_RETENTION_DAYS, KEEP_SCHEDULED_EVERY_MS } from '../shared-ports.js';
import { createCheckInServices } from './checkin-services.js';
import { defaultInstrumentsDir } from './instruments-dir.js';
import type { CheckinsDeps, CheckinsProvides } from './checkins-ports.js';
import { checkinActions } from './checkin-actions.js';
import { CHECKIN_EVENTS, CHECKIN_FLOW, WELLBEING_FLOW } from './checkin-events.js';
import { wellbeingActions } from './wellbeing-actions.js';

/** The check-ins feature's side of the contract with the flows (checked by `npm run flows:lint`). */
export const checkinsFeature = defineFeature<CheckinsDeps, CheckinsProvides>({
  feature: 'checkins',
  declaredIn: fileURLToPath(import.meta.url),
  startsFlows: [CHECKIN_FLOW, WELLBEING_FLOW],
  emits: Object.values(CHECKIN_EVENTS),
  readsChoices: [{ flow: CHECKIN_FLOW, step: 'ask', choices: ['yes', 'not_yet', 'not_sure'] }],
  actions: [...checkinActions, ...wellbeingActions],
  create(deps) {
    const checkins = createCheckInServices({
      db: deps.db,
      clock: deps.clock,
      reminders: deps.reminders,
      events: deps.events,
      attention: deps.attention,
      synthesizer: deps.synthesizer,
      speechVoice: (locale) => deps.activities.curriculum.speechVoice(locale),
      intake: deps.updates.intake,
      store: deps.mediaStore,
      logger: deps.logger,
      instrumentsDir: deps.settings.instrumentsDir ?? defaultInstrumentsDir,
    });
    const retentionDays = deps.settings.mediaRetentionDays ?? DEFAULT_MEDIA_RETENTION_DAYS;
    return {
      provides: { checkins },
      jobs: [
        { id: 'checkins.keep-scheduled', everyMs: KEEP_SCHEDULED_EVERY_MS, run: () => checkins.schedules.keepScheduled().then(() => undefined) },
        // Monthly wellbeing check-ins are kept scheduled here, not by a flow step, so they outlast /stop and /start.
        { id: 'checkins.wellbeing-keep-scheduled', everyMs: KEEP_SCHEDULED_EVERY_MS, run: () => checkins.wellbeingSchedules.keepScheduled().then(() => undefined) },
        // Voice answers are kept as long as moments' voice notes are.
        { id: 'checkins.voice-answer-retention', everyMs: deps.settings.mediaRetentionSweepEveryMs ?? 3_600_000, run: () => checkins.voiceAnswers.forgetOlderThan(retentionDays).then(() => undefined) },
      ],
    };
  },
});
