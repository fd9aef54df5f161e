/** Events the people feature emits; flows listen to them by these names. */
export const PEOPLE_EVENTS = {
  /** Someone already in a family sent /start: they get the settings menu (flow settings). */
  settingsWanted: 'people.settings_wanted',
} as const;
