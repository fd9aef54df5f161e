import { actionArgs, defineAction, type PersonView } from '../../core/flow-action.js';
import type { ActivitiesActionDeps } from './activities-ports.js';
import { childrenOutcome } from '../families/children-in-role.js';
import type { MediaRef } from '../../core/messages.js';
import { spokenClockTime, spokenTime } from '../../core/spoken-time.js';
import { MediaRejectedError } from '../updates/media-intake.js';
import type { RecorderCandidate } from './activity-recordings.js';
import { ageBands } from './curriculum.js';
import type { ProgressKind } from './play-progress.js';
import { ACTIVITY_EVENTS } from './activity-events.js';

/** The buttons under the play reminder (step "show" of play-reminder.yaml), in the order shown. */
export const PLAY_ANSWERS = ['done', 'later'] as const;

/** "Later": the reminder comes again this much later. */
const REMIND_AGAIN_MINUTES = 180;

/** Weekly play: the caregiver's chosen time, the reminder with its voice, answers as progress, notes to parents, recordings. */
export const activityActions = [
  defineAction<ActivitiesActionDeps>({
    name: 'activities.offerPlay',
    outcomes: ['offered', 'not_caregiver'],
    args: actionArgs(['role']),
    async run({ events }, { person, args }) {
      if (args.role !== 'caregiver') return { outcome: 'not_caregiver' };
      await events.publish({ name: ACTIVITY_EVENTS.playWanted, personIds: [person.id] });
      return { outcome: 'offered' };
    },
  }),
  defineAction<ActivitiesActionDeps>({
    name: 'activities.findChildren',
    outcomes: ['one', 'several', 'none'],
    async run({ activities }, { person }) {
      return childrenOutcome(await activities.schedules.childrenOf(person.id));
    },
  }),
  defineAction<ActivitiesActionDeps>({
    name: 'activities.savePlay',
    outcomes: ['ok', 'not_allowed'],
    args: actionArgs(['child_id', 'weekday', 'time']),
    async run({ activities }, { person, args }) {
      const weekday = Number(args.weekday);
      const minute = minuteOf(String(args.time ?? ''));
      if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7 || minute === undefined) return { outcome: 'not_allowed' };
      const saved = await activities.schedules.save(person.id, String(args.child_id ?? ''), weekday, minute);
      if (!saved) return { outcome: 'not_allowed' };
      const next = saved.next.setLocale(person.locale);
      return { vars: { child_name: saved.schedule.child.name, day_name: next.toFormat('cccc'), time: spokenClockTime(minute, person.locale), first_date: next.toLocaleString({ month: 'long', day: 'numeric' }) } };
    },
  }),
  defineAction<ActivitiesActionDeps>({
    name: 'activities.startWeek',
    outcomes: ['ok', 'gone'],
    args: actionArgs(['schedule_id']),
    async run({ activities, translate }, { person, args }) {
      const schedule = await activities.schedules.find(person.id, String(args.schedule_id ?? ''));
      if (!schedule) return { outcome: 'gone' };
      const assignment = await activities.weeks.start(schedule);
      const text = activities.curriculum.text(assignment.activityId, person.locale);
      if (!text) return { outcome: 'gone' };
      const address = await activities.addressOf(person.id);
      const voice = await activities.voice.for(assignment.activityId, person.locale, text, address?.channel, schedule.child.id);
      const steps = text.text.steps.map((step, index) => `${index + 1}. ${step}`).join('\n');
      return {
        vars: {
          assignment_id: assignment.id,
          child_name: schedule.child.name,
          title: text.text.title,
          why: text.text.why,
          steps,
          reminder_voice: voice ?? null,
          // So a "done" button under an older reminder is not mistaken for this week's.
          answer: null,
          done_label: translate(person.locale, 'activities:choice.done'),
          later_label: translate(person.locale, 'activities:choice.later'),
        },
      };
    },
  }),
  defineAction<ActivitiesActionDeps>({
    name: 'activities.answer',
    outcomes: ['done', 'later', 'photo', 'voice', 'unclear', 'gone'],
    args: actionArgs(['assignment_id']),
    async run({ activities }, { person, args, vars }) {
      const assignment = await activities.weeks.find(person.id, String(args.assignment_id ?? ''));
      if (!assignment) return { outcome: 'gone' };
      const answer = readAnswer(vars);
      if (answer.kind === 'unclear') return { outcome: 'unclear' };
      await activities.progress.record(assignment, person.id, answer.kind, answer.media);
      if (answer.kind !== 'later') return { outcome: answer.kind };
      const at = await activities.schedules.remindAgain(assignment.schedule, REMIND_AGAIN_MINUTES);
      return { outcome: 'later', vars: { again_at: spokenTime(at, person.timeZone, person.locale) } };
    },
  }),
  defineAction<ActivitiesActionDeps>({
    name: 'activities.parentNote',
    outcomes: ['ok', 'gone'],
    args: actionArgs(['assignment_id']),
    async run({ activities }, { person, args }) {
      return describeForParent(activities, person, String(args.assignment_id ?? ''));
    },
  }),
  defineAction<ActivitiesActionDeps>({
    name: 'activities.checkRecorder',
    outcomes: ['ok', 'not_allowed'],
    async run({ activities }, { person }) {
      const cohorts = await activities.recordings.cohortsFor(person.id);
      if (cohorts.length === 0) return { outcome: 'not_allowed' };
      // One cohort needs no question; with several, the flow asks which one the recording is for.
      return { vars: { band_choices: ageBands.map((band) => ({ id: band, label: band })), cohort_choices: cohorts, cohort_id: cohorts.length === 1 ? cohorts[0]!.id : '' } };
    },
  }),
  defineAction<ActivitiesActionDeps>({
    name: 'activities.activityChoices',
    outcomes: ['ok'],
    args: actionArgs(['band']),
    async run({ activities }, { person, args }) {
      const band = ageBands.find((candidate) => candidate === args.band) ?? ageBands[0];
      const choices = Array.from({ length: activities.curriculum.weeksIn(band) }, (_, index) => activities.curriculum.activityOf(band, index)).map(({ activityId, week }) => ({
        id: activityId,
        label: `${week}. ${activities.curriculum.text(activityId, person.locale)?.text.title ?? activityId}`,
      }));
      return { vars: { activity_choices: choices } };
    },
  }),
  defineAction<ActivitiesActionDeps>({
    name: 'activities.languageChoices',
    outcomes: ['ok'],
    async run({ activities }) {
      return { vars: { language_choices: [...activities.curriculum.languages.keys()].map((language) => ({ id: language, label: language })) } };
    },
  }),
  defineAction<ActivitiesActionDeps>({
    name: 'activities.saveRecording',
    outcomes: ['ok', 'not_allowed', 'rejected'],
    args: actionArgs(['cohort_id', 'activity_id', 'language']),
    async run({ activities }, { person, args, vars }) {
      const recording = vars.recording as Partial<MediaRef> | undefined;
      if (typeof recording?.fileId !== 'string' || typeof recording.channel !== 'string') return { outcome: 'not_allowed' };
      try {
        const saved = await activities.recordings.save(person.id, String(args.cohort_id ?? ''), String(args.activity_id ?? ''), String(args.language ?? ''), recording as MediaRef);
        return { outcome: saved ? 'ok' : 'not_allowed' };
      } catch (error) {
        if (error instanceof MediaRejectedError) return { outcome: 'rejected' };
        throw error;
      }
    },
  }),
  defineAction<ActivitiesActionDeps>({
    name: 'activities.recorderCandidates',
    outcomes: ['ok', 'none'],
    async run({ activities }, { person }) {
      const candidates = await activities.recordings.candidates(person.id);
      if (candidates.length === 0) return { outcome: 'none' };
      // Buttons carry an index into this list, kept in the session: two ids would not fit Telegram's 64 bytes.
      return {
        vars: {
          recorder_candidates: candidates,
          recorder_choices: candidates.map((candidate, index) => ({ id: `t${index}`, label: `${candidate.teacherName} (${candidate.cohortName})` })),
        },
      };
    },
  }),
  defineAction<ActivitiesActionDeps>({
    name: 'activities.approveRecorder',
    outcomes: ['ok', 'denied'],
    args: actionArgs(['choice']),
    async run({ activities }, { person, args, vars }) {
      const index = /^t(\d+)$/.exec(String(args.choice ?? ''))?.[1];
      const candidate = index === undefined ? undefined : (vars.recorder_candidates as RecorderCandidate[] | undefined)?.[Number(index)];
      if (!candidate || !(await activities.recordings.approve(person.id, candidate.cohortId, candidate.teacherId))) return { outcome: 'denied' };
      return { vars: { teacher_name: candidate.teacherName, cohort_name: candidate.cohortName } };
    },
  }),
];

/** "19:30" → minutes after midnight. */
function minuteOf(time: string): number | undefined {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

type Answer = { kind: Exclude<ProgressKind, 'photo' | 'voice'>; media?: undefined } | { kind: 'photo' | 'voice'; media: Record<string, unknown> } | { kind: 'unclear'; media?: undefined };

/** What the caregiver sent while the reminder waited: a button, its label or number typed, a photo or a voice note. */
function readAnswer(vars: Readonly<Record<string, unknown>>): Answer {
  const answer = vars.answer;
  if (typeof answer === 'string') {
    // Typed instead of tapped: the button's number as shown on WeChat and the console, or its label.
    const typed = answer.normalize('NFKC').trim().toLowerCase();
    const labels = [vars.done_label, vars.later_label].map((label) => String(label ?? '').toLowerCase());
    const index = PLAY_ANSWERS.findIndex((_, i) => typed === String(i + 1) || typed === labels[i]);
    return index >= 0 ? { kind: PLAY_ANSWERS[index]! } : { kind: 'unclear' };
  }
  const content = answer as { kind?: unknown; choiceId?: unknown; media?: Record<string, unknown>; caption?: unknown } | null;
  const tapped = PLAY_ANSWERS.find((choice) => choice === content?.choiceId);
  if (content?.kind === 'choice' && tapped) return { kind: tapped };
  if ((content?.kind === 'photo' || content?.kind === 'voice') && content.media) {
    return { kind: content.kind, media: { ...content.media, ...(typeof content.caption === 'string' ? { caption: content.caption } : {}) } };
  }
  return { kind: 'unclear' };
}

async function describeForParent(activities: ActivitiesActionDeps['activities'], person: PersonView, assignmentId: string) {
  const assignment = await activities.weeks.findForParent(person.id, assignmentId);
  const text = assignment && activities.curriculum.text(assignment.activityId, person.locale);
  if (!assignment || !text) return { outcome: 'gone' as const };
  return {
    outcome: 'ok' as const,
    vars: {
      child_name: assignment.childName,
      caregiver_name: assignment.caregiverName,
      title: text.text.title,
      why: text.text.why,
      tell_parent: text.text.parent.replaceAll('{{child}}', assignment.childName),
    },
  };
}
