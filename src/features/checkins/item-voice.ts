import type { Logger } from '../../core/logger.js';
import { SpeechSynthesisError, SpeechToolMissingError, type AudioFile, type SpeechSynthesizer } from '../../speech/speech-synthesizer.js';

/**
 * Each check-in item is heard before it is read: the same speech synthesis as the play reminders, in the voice the
 * curriculum names for the caregiver's language. Without a voice for that language, or a working tool, the text goes alone.
 */
export class ItemVoice {
  constructor(
    private readonly synthesizer: SpeechSynthesizer,
    private readonly voiceFor: (locale: string) => string | undefined,
    private readonly logger: Logger,
  ) {}

  async speak(locale: string, text: string): Promise<AudioFile | undefined> {
    const voice = this.voiceFor(locale);
    if (!voice) return undefined;
    try {
      return await this.synthesizer.synthesize({ voice, text });
    } catch (error) {
      if (!(error instanceof SpeechSynthesisError || error instanceof SpeechToolMissingError)) throw error;
      this.logger.warn({ locale, reason: error.message }, 'no voice for a check-in item; sending the text alone');
      return undefined;
    }
  }
}
