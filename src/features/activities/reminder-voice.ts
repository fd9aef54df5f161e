import type { Logger } from '../../core/logger.js';
import { SpeechSynthesisError, SpeechToolMissingError, type AudioFile, type SpeechSynthesizer } from '../../speech/speech-synthesizer.js';
import type { ActivityRecordingService, RecordedVoice, StoredRecording } from './activity-recordings.js';
import type { ActivityText, Curriculum } from './curriculum.js';

/** A voice to send: an audio file on disk (synthesized, shipped or recorded in chat), or an older recording's platform file. */
export type ReminderVoiceFile = AudioFile | StoredRecording | RecordedVoice;

/**
 * The voice message of a reminder, best first: someone's own recording made in chat, a recording shipped with the
 * curriculum, then synthesized speech. Synthesis that cannot run sends no voice; the text still goes.
 */
export class ReminderVoice {
  constructor(
    private readonly curriculum: Curriculum,
    private readonly recordings: ActivityRecordingService,
    private readonly synthesizer: SpeechSynthesizer,
    private readonly logger: Logger,
  ) {}

  /** `childId`: whose reminder it is; only a recording of that child's cohort is played. */
  async for(activityId: string, locale: string, text: { text: ActivityText; locale: string }, channel: string | undefined, childId: string): Promise<ReminderVoiceFile | undefined> {
    const recorded = await this.recordings.find(activityId, locale, channel, childId);
    if (recorded) return recorded;
    const shipped = this.curriculum.recording(activityId, locale);
    if (shipped) return { path: shipped.path, fileName: `${activityId}.ogg`, mimeType: 'audio/ogg' };
    const voice = this.curriculum.speechVoice(text.locale);
    if (!voice) return undefined;
    try {
      return await this.synthesizer.synthesize({ voice, text: spokenText(text.text) });
    } catch (error) {
      // A missing tool was said once at start-up, with how to install it: one plain line here, no stack trace.
      if (error instanceof SpeechToolMissingError) this.logger.warn({ activityId, locale, missing: error.program }, 'no voice for a play reminder (speech tool missing); sending the text alone');
      else if (error instanceof SpeechSynthesisError) this.logger.error({ err: error, activityId, locale }, 'no voice for a play reminder; sending the text alone');
      else throw error;
      return undefined;
    }
  }
}

/** What is read aloud: the title, why it matters and the steps (the note for the parent is not for the caregiver). */
export function spokenText(text: ActivityText): string {
  return [text.title, text.why, ...text.steps].map((sentence) => sentence.trim().replace(/[.。!！?？]?$/, (end) => end || '.')).join(' ');
}
