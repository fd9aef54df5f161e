import type { MediaFetcher } from '../../core/media-fetcher.js';
import { DEFAULT_MEDIA_LIMITS, MediaIntake, type MediaLimits } from './media-intake.js';
import type { UpdateDeps } from './update-deps.js';
import { UpdateRelay } from './update-relay.js';
import { UpdateReplies } from './update-replies.js';
import { UpdateRetention } from './update-retention.js';
import { UpdateSharing } from './update-sharing.js';

/** Everything the updates feature's actions use. */
export interface UpdateServices {
  readonly intake: MediaIntake;
  readonly sharing: UpdateSharing;
  readonly replies: UpdateReplies;
  readonly retention: UpdateRetention;
}

export interface UpdateSettings {
  readonly limits?: MediaLimits;
  /** Days a shared moment and its files are kept (default 90). */
  readonly retentionDays?: number;
}

export function createUpdateServices(
  deps: Omit<UpdateDeps, 'intake'> & { readonly fetcher: MediaFetcher },
  settings: UpdateSettings = {},
): UpdateServices {
  const intake = new MediaIntake(deps.fetcher, deps.store, settings.limits ?? DEFAULT_MEDIA_LIMITS);
  const full: UpdateDeps = { ...deps, intake };
  return {
    intake,
    sharing: new UpdateSharing(full, new UpdateRelay(full)),
    replies: new UpdateReplies(full),
    retention: new UpdateRetention(full, { retentionDays: settings.retentionDays ?? 90 }),
  };
}
