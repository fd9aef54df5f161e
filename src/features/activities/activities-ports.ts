import type { FeatureSettings, SharedPorts } from '../shared-ports.js';
import type { UpdatesProvides } from '../updates/updates-ports.js';
import type { ActivityServices } from './activity-services.js';

export type ActivitiesDeps = Pick<SharedPorts, 'db' | 'clock' | 'reminders' | 'synthesizer' | 'logger' | 'mediaStore' | 'addressOf' | 'events' | 'translate'> &
  UpdatesProvides & { readonly settings: Pick<FeatureSettings, 'curriculumDir'> };

export interface ActivitiesProvides {
  /** Weekly play: the curriculum, caregivers' reminders with their voice, progress, recordings. */
  readonly activities: ActivityServices;
}

export type ActivitiesActionDeps = ActivitiesDeps & ActivitiesProvides;
