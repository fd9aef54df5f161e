import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { InboundMessage, OutboundMessage } from '../../messaging/messages.js';
import type { ChannelAdapter, InboundHandler } from '../channel-adapter.js';

export interface ConsoleChannelOptions {
  readonly input: Readable;
  readonly output: Writable;
  /** Personas to start with, e.g. ["papa:en", "nainai:zh-CN"]; the first one speaks first. */
  readonly personas?: readonly string[];
}

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

  constructor(private readonly options: ConsoleChannelOptions) {
    for (const spec of options.personas ?? ['me']) this.addPersona(spec);
    this.current = [...this.personas.values()][0]!;
  }

  async start(onMessage: InboundHandler): Promise<void> {
    this.print(`${HELP}\n\nYou are "${this.current.name}". Try /start or /help.`);
    this.lines = createInterface({ input: this.options.input, terminal: false });
    // Lines are handled strictly in order, as a person typing them would expect.
    this.lines.on('line', (line) => {
      this.queue = this.queue.then(() => this.handleLine(line, onMessage)).catch((error: Error) => this.print(`! ${error.message}`));
    });
  }

  async stop(): Promise<void> {
    this.lines?.close();
    await this.queue;
  }

  async send(chatId: string, message: OutboundMessage): Promise<void> {
    const lines: string[] = [];
    if (message.photo) lines.push('[photo]');
    if (message.voice) lines.push('[voice message]');
    if (message.text) lines.push(message.text);
    message.choices?.forEach((choice, index) => lines.push(`  [${index + 1}] ${choice.label}`));
    this.print(`\n🤖 → ${chatId}:\n${lines.map((line) => `   ${line}`).join('\n')}`);
  }

  /** Resolves once every line typed so far has been handled (for tests and scripted demos). */
  async idle(): Promise<void> {
    await this.queue;
  }

  private async handleLine(raw: string, onMessage: InboundHandler): Promise<void> {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith(':')) return this.command(line, onMessage);
    const addressed = /^@(\S+)\s+([\s\S]+)$/.exec(line);
    const persona = addressed ? this.addPersona(addressed[1]!) : this.current;
    await onMessage(this.inbound(persona, { kind: 'text', text: addressed ? addressed[2]! : line }));
  }

  private async command(line: string, onMessage: InboundHandler): Promise<void> {
    const [command, ...rest] = line.slice(1).split(/\s+/);
    if (command === 'as' && rest[0]) {
      this.current = this.addPersona(rest.slice(0, 2).join(':'));
      this.print(`(now speaking as ${this.current.name})`);
    } else if (command === 'who') {
      this.print([...this.personas.values()].map((p) => `${p === this.current ? '*' : ' '} ${p.name}`).join('\n'));
    } else if (command === 'photo') {
      const caption = rest.join(' ') || undefined;
      await onMessage(this.inbound(this.current, { kind: 'photo', media: { fileId: `console-photo-${Date.now()}`, mimeType: 'image/jpeg' }, ...(caption ? { caption } : {}) }));
    } else if (command === 'voice') {
      await onMessage(this.inbound(this.current, { kind: 'voice', media: { fileId: `console-voice-${Date.now()}`, mimeType: 'audio/ogg' } }));
    } else {
      this.print(HELP);
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

  private inbound(persona: Persona, content: InboundMessage['content']): InboundMessage {
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
