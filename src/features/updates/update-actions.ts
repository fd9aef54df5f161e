import { actionArgs, defineAction, fromVariable, type ActionResult, type PersonView } from '../../core/flow-action.js';
import type { UpdatesActionDeps } from './updates-ports.js';
import { MediaRejectedError, rejectionAware } from './media-intake.js';
import { updateContentOf } from './update-content.js';
import { STICKER_ANSWERS_WITHIN_MS, TEXT_ANSWERS_WITHIN_MS, type ReplyContent } from './update-replies.js';

/** Buttons the class-progress flow offers while it waits for a child's part. */
const PROGRESS_CONTROLS = ['skip', 'finish'] as const;

export const updateActions = [
  defineAction<UpdatesActionDeps>({
    name: 'updates.take',
    outcomes: ['ok', 'one_child', 'not_a_sharer', 'empty', 'too_large', 'unsupported', 'unavailable', 'skip', 'finish'],
    args: actionArgs([], { child: fromVariable.optional() }),
    async run({ updates }, { person, args, vars }) {
      const control = controlOf(vars.inbound);
      if (control) return { outcome: control };
      const children = await updates.sharing.childrenOf(person.id);
      if (children.length === 0) return { outcome: 'not_a_sharer' };
      const content = updateContentOf(vars.inbound ?? vars.args);
      if (!content) return { outcome: 'empty' };
      const draft = await rejectionAware(async () => {
        updates.sharing.precheck(content);
        return updates.sharing.draft(person.id, content);
      });
      if (draft instanceof MediaRejectedError) return { outcome: draft.reason, vars: { limit_mb: updates.intake.limitMb(draft.kind) } };
      const only = typeof args.child === 'string' ? children.find((child) => child.id === args.child) : children.length === 1 ? children[0] : undefined;
      if (only) return { outcome: 'one_child', vars: { draft_id: draft, child: only.id, child_name: only.name } };
      return { vars: { draft_id: draft, child_choices: children.map((child) => ({ id: child.id, label: child.name })) } };
    },
  }),

  defineAction<UpdatesActionDeps>({
    name: 'updates.share',
    outcomes: ['shared', 'no_consent', 'no_parents', 'parents_switched_off', 'gone'],
    args: actionArgs(['child']),
    async run({ updates }, { person, args, vars }) {
      const activity = typeof args.activity === 'string' && args.activity ? args.activity : undefined;
      const result = await updates.sharing.share(person.id, String(vars.draft_id ?? ''), String(args.child ?? ''), activity);
      if (result.outcome === 'gone') return { outcome: 'gone' };
      return { outcome: result.outcome, vars: { child_name: result.childName, ...('recipients' in result ? { recipients: result.recipients } : {}) } };
    },
  }),

  defineAction<UpdatesActionDeps>({
    name: 'updates.openAnswer',
    outcomes: ['heart', 'answer', 'sticker_sent', 'text_sent', 'gone', 'nothing_to_answer', 'not_understood'],
    async run({ updates }, { person, vars }) {
      const inbound = vars.inbound as { kind?: string; choiceId?: string; emoji?: string; text?: string } | undefined;
      if (inbound?.kind === 'text') return answerTyped(updates.replies, person, inbound.text ?? '');
      if (inbound?.kind === 'sticker') {
        const latest = await updates.replies.latest(person.id, STICKER_ANSWERS_WITHIN_MS);
        if (!latest) return { outcome: 'nothing_to_answer' };
        await updates.replies.reply(person.id, latest.deliveryId, { emoji: inbound.emoji ?? '❤️' });
        return { outcome: 'sticker_sent', vars: { sender_name: latest.senderName } };
      }
      const opened = await updates.replies.open(person.id, String(inbound?.choiceId ?? ''));
      if (!opened) return { outcome: 'gone' };
      const result: ActionResult = { vars: { delivery: opened.deliveryId, sender_name: opened.senderName } };
      if (opened.action === 'answer') return { ...result, outcome: 'answer' };
      await updates.replies.reply(person.id, opened.deliveryId, { emoji: '❤️' });
      return { ...result, outcome: 'heart' };
    },
  }),

  defineAction<UpdatesActionDeps>({
    name: 'updates.answer',
    outcomes: ['sent', 'gone', 'unsupported', 'too_large', 'unavailable'],
    args: actionArgs(['delivery']),
    async run({ updates }, { person, args, vars }) {
      const answer = vars.answer;
      const content = await rejectionAware(() => replyContentOf(updates.intake, answer));
      if (content instanceof MediaRejectedError) return { outcome: content.reason, vars: { limit_mb: updates.intake.limitMb(content.kind) } };
      if (!content) return { outcome: 'unsupported' };
      return { outcome: (await updates.replies.reply(person.id, String(args.delivery ?? ''), content)) ? 'sent' : 'gone' };
    },
  }),

  defineAction<UpdatesActionDeps>({
    name: 'updates.nextChild',
    outcomes: ['child', 'done', 'not_a_teacher'],
    args: actionArgs([], { after: fromVariable.optional() }),
    async run({ updates }, { person, args }) {
      const children = await updates.sharing.childrenOf(person.id, ['teacher']);
      if (children.length === 0) return { outcome: 'not_a_teacher' };
      const after = typeof args.after === 'string' ? children.findIndex((child) => child.id === args.after) : -1;
      const next = children[after + 1];
      return next ? { outcome: 'child', vars: { child: next.id, child_name: next.name } } : { outcome: 'done' };
    },
  }),

  defineAction<UpdatesActionDeps>({
    name: 'updates.withdrawPhotos',
    outcomes: ['ok'],
    async run({ db, updates }, { person }) {
      const memberships = await db.familyMember.findMany({ where: { personId: person.id }, select: { familyId: true } });
      const removed = await updates.retention.removePhotosWithoutConsent(memberships.map((membership) => membership.familyId));
      return { vars: { removed_files: removed } };
    },
  }),
];

/**
 * A text nothing else waited for, sent the day a moment arrived: the number or label of one of its buttons works
 * like tapping it (numbered channels have no buttons to tap); any other text is the answer itself.
 */
async function answerTyped(replies: UpdatesActionDeps['updates']['replies'], person: PersonView, text: string): Promise<ActionResult> {
  const latest = await replies.latest(person.id, TEXT_ANSWERS_WITHIN_MS);
  if (!latest) return { outcome: 'not_understood' };
  const result: ActionResult = { vars: { delivery: latest.deliveryId, sender_name: latest.senderName } };
  const button = replies.typedButton(latest, person.locale, text);
  if (button === 'answer') return { ...result, outcome: 'answer' };
  await replies.reply(person.id, latest.deliveryId, button === 'heart' ? { emoji: '❤️' } : { text });
  return { ...result, outcome: button === 'heart' ? 'heart' : 'text_sent' };
}

function controlOf(inbound: unknown): (typeof PROGRESS_CONTROLS)[number] | undefined {
  const choiceId = (inbound as { kind?: string; choiceId?: string } | undefined)?.kind === 'choice' ? (inbound as { choiceId: string }).choiceId : undefined;
  return PROGRESS_CONTROLS.find((control) => control === choiceId);
}

async function replyContentOf(intake: UpdatesActionDeps['updates']['intake'], answer: unknown): Promise<ReplyContent | undefined> {
  if (typeof answer === 'string') return answer.trim() ? { text: answer.trim() } : undefined;
  const content = answer as { kind?: string; emoji?: string; media?: Parameters<typeof intake.take>[1] } | undefined;
  if (content?.kind === 'sticker') return { emoji: content.emoji ?? '❤️' };
  if (content?.kind === 'voice' && content.media) return { voice: await intake.take('voice', content.media) };
  return undefined;
}
