/** Text-to-speech: a voice message read from text, as an OGG/Opus file (what Telegram plays as a voice note). */

/** An audio file on disk, ready to be sent as `{ kind: 'file', ... }` media. */
export interface AudioFile {
  readonly path: string;
  readonly fileName: string;
  readonly mimeType: 'audio/ogg';
}

export interface SpeechRequest {
  readonly text: string;
  /** The provider's voice, e.g. espeak-ng's "cmn" or "en". */
  readonly voice: string;
}

export interface SpeechSynthesizer {
  synthesize(request: SpeechRequest): Promise<AudioFile>;
}

/** A program the local synthesizer needs is not installed; the message says which Debian package brings it. */
export class SpeechToolMissingError extends Error {
  override readonly name = 'SpeechToolMissingError';
  constructor(
    readonly program: string,
    readonly debianPackage: string,
  ) {
    super(`Text-to-speech needs "${program}", which is not installed: sudo apt-get install -y ${debianPackage}`);
  }
}

/** The synthesizer ran and failed (an unknown voice, a broken file). */
export class SpeechSynthesisError extends Error {
  override readonly name = 'SpeechSynthesisError';
}
