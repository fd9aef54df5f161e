import type { Clock } from '../../core/clock.js';
import type { EventPublisher } from '../../core/events.js';
import type { Logger } from '../../core/logger.js';
import type { ReminderScheduler } from '../../core/reminders.js';
import type { SpeechSynthesizer } from '../../speech/speech-synthesizer.js';
import type { Database } from '../../storage/prisma.js';
import { CheckInService } from './check-ins.js';
import { CheckInSchedules } from './checkin-schedules.js';
import { loadInstruments } from './instrument-loader.js';
import { ItemVoice } from './item-voice.js';

/** Everything the check-ins feature's actions and recurring job use. */
export interface CheckInServices {
  readonly checkIns: CheckInService;
  readonly schedules: CheckInSchedules;
  readonly voice: ItemVoice;
}

export interface CheckInDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly reminders: ReminderScheduler;
  readonly events: EventPublisher;
  readonly synthesizer: SpeechSynthesizer;
  /** The speech voice for a language (the curriculum's, shared with play reminders). */
  readonly speechVoice: (locale: string) => string | undefined;
  readonly logger: Logger;
  readonly instrumentsDir: string;
}

export function createCheckInServices(deps: CheckInDeps): CheckInServices {
  const checkIns = new CheckInService(deps.db, deps.clock, loadInstruments(deps.instrumentsDir));
  return {
    checkIns,
    schedules: new CheckInSchedules(deps.db, deps.clock, deps.reminders, checkIns),
    voice: new ItemVoice(deps.synthesizer, deps.speechVoice, deps.logger),
  };
}
