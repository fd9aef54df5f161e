import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { DateTime } from 'luxon';
import sharp from 'sharp';
import { ClockBackwardsError, type OffsetClock } from '../../core/offset-clock.js';
import { MediaTooLargeError, MediaUnavailableError } from '../../core/media-fetcher.js';
import type { InboundContent, InboundMessage, MediaRef, OutboundMessage } from '../../core/messages.js';
import type { ChannelAdapter, InboundHandler } from '../channel-adapter.js';
import { ClockCommandError, clockTarget, wallClockLine } from './clock-command.js';

export interface ConsoleChannelOptions {
  readonly input: Readable;
  readonly output: Writable;
  /** Personas to start with, e.g. ["papa:en", "nainai:zh-CN"]; the first one speaks first. */
  readonly personas?: readonly string[];
  /** The bot's clock, which `:clock` moves forward; without it the command says there is none. */
  readonly clock?: OffsetClock;
  /** The wall clock `:clock 2026-12-02 19:25` is read on and the new time printed in; the machine's own by default. */
  readonly timeZone?: string;
}

/** A person at the console types one line at a time: each is a delivery of one message. */
type OneMessageHandler = (message: InboundMessage) => Promise<void>;

interface Persona {
  readonly name: string;
  readonly languageCode: string | undefined;
}

const HELP = [
  'Console simulator — chat with Kinbridge as several people in one terminal.',
  '  just type            send as the current persona (numbers pick buttons)',
  '  @name text           send as another persona (created on first use)',
  '  :as name [lang]      switch persona, e.g. ":as nainai zh-CN"',
  '  :who                 list personas',
  '  :photo [caption]     send a (simulated) photo',
  '  :voice               send a (simulated) voice note',
  '  :album N [caption]   send N (simulated) photos at once',
  '  :sticker [emoji]     send a sticker, e.g. ":sticker ❤️"',
  '  :clock +2d           move the bot\'s clock forward (+3h, +30m, +1w, or 2026-12-02 19:25) to see reminders fire',
  '  :help                this text',
].join('\n');

/**
 * A chat simulator on stdin/stdout: each persona is a separate person to the bot, so a coordinator, a father
 * and a grandmother can be played from one terminal. Replies are printed with the persona they went to.
 */
export class ConsoleChannel implements ChannelAdapter {
  readonly name = 'console';
  private readonly personas = new Map<string, Persona>();
  private current: Persona;
  private lines: Interface | undefined;
  private queue: Promise<void> = Promise.resolve();
  private fileCounter = 0;

  constructor(private readonly options: ConsoleChannelOptions) {
    for (const spec of options.personas ?? ['me']) this.addPersona(spec);
    this.current = [...this.personas.values()][0]!;
  }

  async start(onMessage: InboundHandler): Promise<void> {
    this.print(`${HELP}\n\nYou are "${this.current.name}". Try /start or /help.`);
    // On a terminal, the kernel's line discipline cuts a typed or pasted line at 4,095 bytes without a word; readline
    // in terminal mode takes the keys raw and edits the line itself, so a long line (a whole announcement) arrives whole.
    const terminal = (this.options.input as { isTTY?: boolean }).isTTY === true;
    this.lines = createInterface({ input: this.options.input, terminal, ...(terminal ? { output: this.options.output } : {}) });
    // Lines are handled strictly in order, as a person typing them would expect.
    this.lines.on('line', (line) => {
      this.queue = this.queue.then(() => this.handleLine(line, (message) => onMessage([message]))).catch((error: Error) => this.print(`! ${error.message}`));
    });
  }

  async stop(): Promise<void> {
    this.lines?.close();
    await this.queue;
  }

  async send(chatId: string, message: OutboundMessage): Promise<void> {
    const lines: string[] = [];
    if (message.photo) lines.push('[photo]');
    if (message.video) lines.push('[video]');
    if (message.album) lines.push(`[album of ${message.album.length}]`);
    if (message.voice) lines.push('[voice message]');
    if (message.text) lines.push(message.text);
    message.choices?.forEach((choice, index) => lines.push(`  [${index + 1}] ${choice.label}`));
    this.print(`\n🤖 → ${chatId}:\n${lines.map((line) => `   ${line}`).join('\n')}`);
  }

  /** Simulated files: a small generated picture for a photo, a second of silence for a voice note. */
  async downloadMedia(ref: MediaRef, options: { readonly maxBytes: number }): Promise<Uint8Array> {
    const kind = /^console-(photo|voice)-(\d+)$/.exec(ref.fileId);
    if (!kind) throw new MediaUnavailableError(`The console simulator has no file "${ref.fileId}"`);
    const bytes = kind[1] === 'photo' ? await generatedPicture(Number(kind[2])) : silentWav();
    if (bytes.length > options.maxBytes) throw new MediaTooLargeError(bytes.length, options.maxBytes);
    return bytes;
  }

  /** Resolves once every line typed so far has been handled (for tests and scripted demos). */
  async idle(): Promise<void> {
    await this.queue;
  }

  private async handleLine(raw: string, onMessage: OneMessageHandler): Promise<void> {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith(':')) return this.command(line, onMessage);
    const addressed = /^@(\S+)\s+([\s\S]+)$/.exec(line);
    const persona = addressed ? this.addPersona(addressed[1]!) : this.current;
    await onMessage(this.inbound(persona, { kind: 'text', text: addressed ? addressed[2]! : line }));
  }

  private async command(line: string, onMessage: OneMessageHandler): Promise<void> {
    const [command, ...rest] = line.slice(1).split(/\s+/);
    if (command === 'as' && rest[0]) {
      this.current = this.addPersona(rest.slice(0, 2).join(':'));
      this.print(`(now speaking as ${this.current.name})`);
    } else if (command === 'who') {
      this.print([...this.personas.values()].map((p) => `${p === this.current ? '*' : ' '} ${p.name}`).join('\n'));
    } else if (command === 'photo') {
      const caption = rest.join(' ') || undefined;
      await onMessage(this.inbound(this.current, { kind: 'photo', media: this.file('photo', 'image/jpeg'), ...(caption ? { caption } : {}) }));
    } else if (command === 'voice') {
      await onMessage(this.inbound(this.current, { kind: 'voice', media: this.file('voice', 'audio/wav') }));
    } else if (command === 'album') {
      const count = Math.min(Math.max(Number(rest[0]) || 2, 2), 10);
      const caption = rest.slice(1).join(' ') || undefined;
      const items = Array.from({ length: count }, () => ({ kind: 'photo' as const, media: this.file('photo', 'image/jpeg') }));
      await onMessage(this.inbound(this.current, { kind: 'album', items, ...(caption ? { caption } : {}) }));
    } else if (command === 'sticker') {
      await onMessage(this.inbound(this.current, { kind: 'sticker', emoji: rest[0] ?? '❤️' }));
    } else if (command === 'clock') {
      this.moveClock(rest.join(' '));
    } else {
      this.print(HELP);
    }
  }

  /** `:clock +2d`: the bot's clock jumps forward, and one line says what time it is now. */
  private moveClock(given: string): void {
    const { clock } = this.options;
    if (!clock) return this.print('! This console has no clock to move.');
    const zone = this.options.timeZone ?? DateTime.local().zoneName;
    try {
      if (given !== '') clock.moveTo(clockTarget(given, clock.now(), zone));
      this.print(`(the clock now reads ${wallClockLine(clock.now(), zone)})`);
    } catch (error) {
      if (error instanceof ClockCommandError) return this.print(`! ${error.message}`);
      if (error instanceof ClockBackwardsError) return this.print(`! The clock only moves forward; it reads ${wallClockLine(error.now, zone)}.`);
      throw error;
    }
  }

  /** "nainai:zh-CN" → persona nainai who writes in Chinese; an existing persona is reused. */
  private addPersona(spec: string): Persona {
    const [name, languageCode] = spec.split(':');
    const existing = this.personas.get(name!);
    if (existing) return existing;
    const persona = { name: name!, languageCode };
    this.personas.set(persona.name, persona);
    return persona;
  }

  private file(kind: 'photo' | 'voice', mimeType: string): MediaRef {
    this.fileCounter += 1;
    return { channel: this.name, fileId: `console-${kind}-${this.fileCounter}`, mimeType };
  }

  private inbound(persona: Persona, content: InboundContent): InboundMessage {
    return {
      channel: this.name,
      externalId: persona.name,
      chatId: persona.name,
      displayName: persona.name,
      ...(persona.languageCode ? { languageCode: persona.languageCode } : {}),
      content,
    };
  }

  private print(text: string): void {
    this.options.output.write(`${text}\n`);
  }
}

/** A small picture whose colour changes with `seed`, so an album's photos look different. */
async function generatedPicture(seed: number): Promise<Uint8Array> {
  const hue = (seed * 67) % 256;
  return sharp({ create: { width: 320, height: 240, channels: 3, background: { r: hue, g: 180, b: 255 - hue } } }).jpeg().toBuffer();
}

/** One second of 8 kHz mono 16-bit silence as a WAV file. */
function silentWav(): Uint8Array {
  const samples = 8_000;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(8_000, 24);
  wav.writeUInt32LE(16_000, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(samples * 2, 40);
  return wav;
}
