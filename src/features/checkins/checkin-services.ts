import type { AttentionRaiser } from '../../core/attention.js';
import type { Clock } from '../../core/clock.js';
import type { EventPublisher } from '../../core/events.js';
import type { Logger } from '../../core/logger.js';
import type { ReminderScheduler } from '../../core/reminders.js';
import type { SpeechSynthesizer } from '../../speech/speech-synthesizer.js';
import type { MediaStore } from '../../storage/media-store.js';
import type { Database } from '../../storage/prisma.js';
import type { MediaIntake } from '../updates/media-intake.js';
import { CheckInService } from './check-ins.js';
import { CheckInSchedules } from './checkin-schedules.js';
import type { MilestoneInstrument, WellbeingInstrument } from './instrument.js';
import { loadInstruments } from './instrument-loader.js';
import { ItemVoice } from './item-voice.js';
import { VoiceAnswers } from './voice-answers.js';
import { WellbeingCheckIns } from './wellbeing-check-ins.js';
import { WellbeingSchedules } from './wellbeing-schedules.js';

/** Everything the check-ins feature's actions and recurring jobs use. */
export interface CheckInServices {
  readonly checkIns: CheckInService;
  readonly schedules: CheckInSchedules;
  readonly voice: ItemVoice;
  /** Monthly wellbeing check-ins of parents and caregivers, and their schedule. */
  readonly wellbeing: WellbeingCheckIns;
  readonly wellbeingSchedules: WellbeingSchedules;
  /** Items answered with a voice note, kept for the teacher. */
  readonly voiceAnswers: VoiceAnswers;
}

export interface CheckInDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly reminders: ReminderScheduler;
  readonly events: EventPublisher;
  readonly attention: AttentionRaiser;
  readonly synthesizer: SpeechSynthesizer;
  /** The speech voice for a language (the curriculum's, shared with play reminders). */
  readonly speechVoice: (locale: string) => string | undefined;
  /** Voice-note answers come in as moments' voice notes do. */
  readonly intake: Pick<MediaIntake, 'take'>;
  readonly store: Pick<MediaStore, 'delete'>;
  readonly logger: Logger;
  readonly instrumentsDir: string;
}

export function createCheckInServices(deps: CheckInDeps): CheckInServices {
  const instruments = loadInstruments(deps.instrumentsDir);
  const checkIns = new CheckInService(deps.db, deps.clock, instruments.filter((instrument): instrument is MilestoneInstrument => instrument.kind === 'milestones'));
  const wellbeing = new WellbeingCheckIns(deps.db, deps.clock, instruments.filter((instrument): instrument is WellbeingInstrument => instrument.kind === 'wellbeing'), deps.attention);
  return {
    checkIns,
    schedules: new CheckInSchedules(deps.db, deps.clock, deps.reminders, checkIns),
    voice: new ItemVoice(deps.synthesizer, deps.speechVoice, deps.logger),
    wellbeing,
    wellbeingSchedules: new WellbeingSchedules(deps.db, deps.clock, deps.reminders, wellbeing),
    voiceAnswers: new VoiceAnswers(deps.db, deps.clock, deps.intake, deps.store, instruments, deps.attention),
  };
}
