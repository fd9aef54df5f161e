/** What a person mostly does here, which decides what /help and the command menu show; `newcomer` has no family yet. */
export type MainRole = 'parent' | 'caregiver' | 'teacher' | 'coordinator' | 'newcomer';

/**
 * The commands each role is shown, most used first: /help lists them and Telegram's command menu offers them, with
 * the words of `locales/<lng>/commands.json`. Every command still works for whoever it allows; this is what is offered.
 */
export const ROLE_COMMANDS: Readonly<Record<MainRole, readonly string[]>> = {
  newcomer: ['start', 'language', 'help'],
  caregiver: ['share', 'play', 'talked', 'family', 'settings', 'forget', 'stop', 'help'],
  parent: ['calls', 'talked', 'moved', 'family', 'privacy', 'settings', 'forget', 'stop', 'help'],
  teacher: ['share', 'progress', 'record', 'family', 'dashboard', 'settings', 'forget', 'stop', 'help'],
  coordinator: ['newfamily', 'invite', 'broadcast', 'alerts', 'moved', 'recorders', 'record', 'family', 'dashboard', 'settings', 'forget', 'stop', 'help'],
};

/** One entry of a command menu, as Telegram's setMyCommands takes it. */
export interface MenuCommand {
  readonly command: string;
  readonly description: string;
}

/** A role's commands with their words in one language. */
export function roleCommands(role: MainRole, describe: (command: string) => string): MenuCommand[] {
  return ROLE_COMMANDS[role].map((command) => ({ command, description: describe(command) }));
}

/** A command menu for one chat, or the default one for everyone whose app speaks `language`. */
export interface CommandMenu {
  readonly commands: readonly MenuCommand[];
  /** The app language this default menu is for (ISO 639-1, as Telegram takes it); none for the fallback. */
  readonly language?: string;
  /** The chat this menu is for; none for the default menu. */
  readonly chatId?: string;
}

/** A channel whose app shows a command menu (Telegram's "/" button). */
export interface CommandMenuChannel {
  readonly name: string;
  setCommandMenu(menu: CommandMenu): Promise<void>;
}
