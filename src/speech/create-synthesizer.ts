import { EspeakSynthesizer } from './espeak-synthesizer.js';
import type { SpeechSynthesizer } from './speech-synthesizer.js';

/** Providers by name (`SPEECH_PROVIDER`); a cloud provider adds its entry here with its own settings. */
export const speechProviders = ['espeak-ng'] as const;
export type SpeechProvider = (typeof speechProviders)[number];

export interface SpeechSettings {
  readonly provider?: SpeechProvider;
  readonly cacheDir: string;
}

export class UnknownSpeechProviderError extends Error {
  override readonly name = 'UnknownSpeechProviderError';
}

export function createSynthesizer(settings: SpeechSettings): SpeechSynthesizer {
  const provider = settings.provider ?? 'espeak-ng';
  switch (provider) {
    case 'espeak-ng':
      return new EspeakSynthesizer({ cacheDir: settings.cacheDir });
    default:
      throw new UnknownSpeechProviderError(`Unknown speech provider "${String(provider)}" (known: ${speechProviders.join(', ')})`);
  }
}
