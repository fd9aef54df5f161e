import type { Logger } from 'pino';
import { roleCommands, type CommandMenuChannel, type MainRole } from '../../core/role-commands.js';
import type { Database } from '../../storage/prisma.js';

export interface CommandMenuDeps {
  readonly db: Database;
  readonly channels: readonly CommandMenuChannel[];
  readonly roleOf: (personId: string) => Promise<MainRole>;
  readonly translate: (locale: string, key: string) => string;
  readonly locales: readonly string[];
  readonly fallbackLocale: string;
  readonly logger: Logger;
}

/**
 * Telegram's command menu in each person's language and for their role: newcomers see how to join, a grandmother
 * her few commands, a coordinator theirs. The menu is a convenience, so a platform error is logged, never thrown.
 */
export class CommandMenus {
  constructor(private readonly deps: CommandMenuDeps) {}

  /** The default menus (for people not met yet), one per shipped language; at start-up. */
  async setDefaults(): Promise<void> {
    for (const channel of this.deps.channels) {
      for (const locale of this.deps.locales) {
        const commands = this.commandsFor('newcomer', locale);
        await this.set(channel, { commands, language: appLanguageOf(locale) });
        if (locale === this.deps.fallbackLocale) await this.set(channel, { commands });
      }
    }
  }

  /** The menu of each chat this person has on a channel with menus, after their role or language changed. */
  async showFor(personId: string, locale: string): Promise<void> {
    const names = this.deps.channels.map((channel) => channel.name);
    if (names.length === 0) return;
    const identities = await this.deps.db.channelIdentity.findMany({ where: { personId, channel: { in: names } }, select: { channel: true, externalId: true } });
    if (identities.length === 0) return;
    const commands = this.commandsFor(await this.deps.roleOf(personId), locale);
    for (const identity of identities) {
      const channel = this.deps.channels.find((candidate) => candidate.name === identity.channel)!;
      await this.set(channel, { commands, chatId: identity.externalId });
    }
  }

  private commandsFor(role: MainRole, locale: string) {
    return roleCommands(role, (command) => this.deps.translate(locale, `commands:${command}`));
  }

  private async set(channel: CommandMenuChannel, menu: Parameters<CommandMenuChannel['setCommandMenu']>[0]): Promise<void> {
    try {
      await channel.setCommandMenu(menu);
    } catch (err) {
      this.deps.logger.warn({ err, channel: channel.name }, 'command menu not set');
    }
  }
}

/** "zh-CN" → "zh": apps report two-letter languages. */
function appLanguageOf(locale: string): string {
  return locale.split('-')[0]!.toLowerCase();
}
