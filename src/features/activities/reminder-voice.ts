import type { Logger } from '../../core/logger.js';
import { SpeechSynthesisError, SpeechToolMissingError, type AudioFile, type SpeechSynthesizer } from '../../speech/speech-synthesizer.js';
import type { ActivityRecordingService, RecordedVoice } from './activity-recordings.js';
import type { ActivityText, Curriculum } from './curriculum.js';

/** A voice to send: an audio file on disk, or a platform's own file (a recording made in chat). */
export type ReminderVoiceFile = AudioFile | RecordedVoice;

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

  async for(activityId: string, locale: string, text: { text: ActivityText; locale: string }, channel: string | undefined): Promise<ReminderVoiceFile | undefined> {
    const recorded = await this.recordings.find(activityId, locale, channel);
    if (recorded) return recorded;
    const shipped = this.curriculum.recording(activityId, locale);
    if (shipped) return { path: shipped.path, fileName: `${activityId}.ogg`, mimeType: 'audio/ogg' };
    const voice = this.curriculum.speechVoice(text.locale);
    if (!voice) return undefined;
    try {
      return await this.synthesizer.synthesize({ voice, text: spokenText(text.text) });
    } catch (error) {
      if (!(error instanceof SpeechToolMissingError || error instanceof SpeechSynthesisError)) throw error;
      this.logger.error({ err: error, activityId, locale }, 'no voice for a play reminder; sending the text alone');
      return undefined;
    }
  }
}

/** What is read aloud: the title, why it matters and the steps (the note for the parent is not for the caregiver). */
export function spokenText(text: ActivityText): string {
  return [text.title, text.why, ...text.steps].map((sentence) => sentence.trim().replace(/[.。!！?？]?$/, (end) => end || '.')).join(' ');
}
