import type { ConversationStarterSource } from '../calls/conversation-starters.js';
import type { Curriculum } from './curriculum.js';
import type { PlayWeekService } from './play-weeks.js';

/** For the call nudge: what the child plays at home this week, so the parent can ask about it. */
export function playStarter(weeks: PlayWeekService, curriculum: Curriculum): ConversationStarterSource {
  return async ({ plan, locale, translate }) => {
    const current = await weeks.currentFor(plan.parent.id, plan.child.id);
    const text = current && curriculum.text(current.activityId, locale);
    if (!current || !text) return undefined;
    return translate(current.status === 'done' ? 'activities:starter.done' : 'activities:starter.pending', { child_name: plan.child.name, title: text.text.title });
  };
}
