import type { FlowSchedule } from './engine-queue.js';
import type { Flow, Trigger } from './flow-definition.js';
import type { Translator } from './translator.js';

export interface TriggerMatch {
  readonly flow: Flow;
  readonly mode: 'replace' | 'interrupt';
}

/** Flows by id, and what starts them: commands, per-locale keywords, events. */
export class FlowCatalog {
  private readonly byId = new Map<string, Flow>();
  private readonly byCommand = new Map<string, TriggerMatch>();
  private readonly byKeyword = new Map<string, TriggerMatch>();
  private readonly byEvent = new Map<string, Flow[]>();
  private readonly byInbound = new Map<string, TriggerMatch>();
  private readonly byChoicePrefix = new Map<string, TriggerMatch>();
  private unknownCommand: TriggerMatch | undefined;

  constructor(flows: readonly Flow[], translator: Translator) {
    for (const flow of flows) {
      this.byId.set(flow.id, flow);
      for (const trigger of flow.triggers) this.index(flow, trigger, translator);
    }
  }

  get(id: string): Flow | undefined {
    return this.byId.get(id);
  }

  get flows(): readonly Flow[] {
    return [...this.byId.values()];
  }

  matchCommand(command: string): TriggerMatch | undefined {
    return this.byCommand.get(command);
  }

  /** A keyword matches the whole message, in any shipped language, ignoring case and width. */
  matchKeyword(text: string): TriggerMatch | undefined {
    return this.byKeyword.get(normaliseKeyword(text));
  }

  /** A flow for a kind of message (photo, voice…) that no question was waiting for. */
  matchInbound(kind: string): TriggerMatch | undefined {
    return this.byInbound.get(kind);
  }

  /** The flow answering a command no flow starts, if one claims them. */
  matchUnknownCommand(): TriggerMatch | undefined {
    return this.unknownCommand;
  }

  /** A flow for buttons whose id starts with `<prefix>:`. */
  matchChoice(choiceId: string): TriggerMatch | undefined {
    const prefix = /^([a-z][a-z_]{0,15}):/.exec(choiceId)?.[1];
    return prefix === undefined ? undefined : this.byChoicePrefix.get(prefix);
  }

  flowsForEvent(event: string): readonly Flow[] {
    return this.byEvent.get(event) ?? [];
  }

  schedules(): FlowSchedule[] {
    return this.flows.flatMap((flow) =>
      flow.triggers.flatMap((trigger, index) =>
        'schedule' in trigger ? [{ id: `${flow.id}:${index}`, flowId: flow.id, ...trigger.schedule }] : [],
      ),
    );
  }

  private index(flow: Flow, trigger: Trigger, translator: Translator): void {
    if ('command' in trigger) this.byCommand.set(trigger.command, { flow, mode: trigger.mode });
    if ('event' in trigger) this.byEvent.set(trigger.event, [...this.flowsForEvent(trigger.event), flow]);
    if ('inbound' in trigger) for (const kind of trigger.inbound) this.byInbound.set(kind, { flow, mode: 'interrupt' });
    if ('choice' in trigger) this.byChoicePrefix.set(trigger.choice, { flow, mode: 'interrupt' });
    if ('unknown_command' in trigger) this.unknownCommand = { flow, mode: 'interrupt' };
    if ('keyword' in trigger) {
      for (const locale of translator.locales) {
        for (const word of translator.t(locale, trigger.keyword).split('|')) {
          if (word.trim() !== '') this.byKeyword.set(normaliseKeyword(word), { flow, mode: trigger.mode });
        }
      }
    }
  }
}

function normaliseKeyword(text: string): string {
  return text.normalize('NFKC').trim().toLowerCase();
}
