import type { EventPublisher } from '../../core/events.js';
import { actionArgs, defineAction, type PersonView } from '../../core/flow-action.js';
import type { ChildMoves, ChildPlace, Destination, ParentOfChild, RecordedMove } from './child-moves.js';
import { LIVING_EVENTS } from './living-events.js';
import { childrenOutcome } from '../families/children-in-role.js';

/** What the living feature's actions use, and nothing more. */
export interface LivingActionDeps {
  readonly living: { readonly moves: ChildMoves };
  readonly events: EventPublisher;
  translate(locale: string, key: string, vars?: Record<string, unknown>): string;
}

/** The choice id of "back home with the family"; the others are the parents' ids. */
const HOME = 'home';

type Say = (key: string, vars?: Record<string, unknown>) => string;

/** /moved: a parent or coordinator says a child now lives with a parent, or at home again. */
export const livingActions = [
  defineAction<LivingActionDeps>({
    name: 'living.findChildren',
    outcomes: ['one', 'several', 'none'],
    async run({ living }, { person }) {
      const children = await living.moves.childrenFor(person.id);
      // A coordinator sees several families' children: the family name tells two Xiaomings apart.
      return childrenOutcome(children.map((child) => ({ id: child.id, name: `${child.name} · ${child.familyName}` })));
    },
  }),
  defineAction<LivingActionDeps>({
    name: 'living.places',
    outcomes: ['ok', 'no_parent', 'not_found'],
    args: actionArgs(['child_id']),
    async run({ living, translate }, { person, args }) {
      const place = await living.moves.placeOf(person.id, String(args.child_id ?? ''));
      if (!place) return { outcome: 'not_found' };
      const say: Say = (key, vars) => translate(person.locale, key, vars);
      const parents = place.parents.filter((parent) => parent.id !== place.livingWith?.id);
      const choices = [
        ...parents.map((parent) => ({ id: parent.id, label: parent.id === person.id ? say('living:place.with_me') : say('living:place.with_parent', { parent_name: parent.displayName }) })),
        ...(place.livingWith ? [{ id: HOME, label: say('living:place.home') }] : []),
      ];
      // A coordinator may ask before any parent joined: there is nobody yet the child could live with.
      if (choices.length === 0) return { outcome: 'no_parent', vars: { child_name: place.childName } };
      return { vars: { child_name: place.childName, current_place: currentPlace(place, person, say), place_choices: choices } };
    },
  }),
  defineAction<LivingActionDeps>({
    name: 'living.describeMove',
    outcomes: ['ok', 'not_found'],
    args: actionArgs(['child_id', 'destination']),
    async run({ living, translate }, { person, args }) {
      const place = await living.moves.placeOf(person.id, String(args.child_id ?? ''));
      const destination = destinationOf(args.destination);
      if (!place || !destination) return { outcome: 'not_found' };
      const to = destination === 'home' ? null : place.parents.find((parent) => parent.id === destination.parentId);
      if (to === undefined) return { outcome: 'not_found' };
      const say: Say = (key, vars) => translate(person.locale, key, vars);
      return { vars: { move_text: say(`living:confirm.${whereFor(to, person.id)}`, { child_name: place.childName, parent_name: to?.displayName ?? '' }) } };
    },
  }),
  defineAction<LivingActionDeps>({
    name: 'living.move',
    outcomes: ['moved', 'unchanged', 'not_found'],
    args: actionArgs(['child_id', 'destination']),
    async run({ living, events }, { person, args }) {
      const destination = destinationOf(args.destination);
      const move = destination && (await living.moves.move(person.id, String(args.child_id ?? ''), destination));
      if (!move) return { outcome: 'not_found' };
      if (move.from?.id === move.to?.id) return { outcome: 'unchanged' };
      await tellTheFamily(events, move, person);
      return { outcome: 'moved' };
    },
  }),
];

/** The others in the family hear it; the parent the child now lives with hears it as news about them. */
async function tellTheFamily(events: EventPublisher, move: RecordedMove, person: PersonView): Promise<void> {
  const vars = { child_name: move.place.childName, parent_name: move.to?.displayName ?? '', recorder_name: person.displayName };
  const toParent = move.othersInFamily.filter((id) => id === move.to?.id);
  const others = move.othersInFamily.filter((id) => id !== move.to?.id);
  if (toParent.length > 0) await events.publish({ name: LIVING_EVENTS.childMoved, personIds: toParent, vars: { ...vars, where: 'with_you' } });
  if (others.length > 0) await events.publish({ name: LIVING_EVENTS.childMoved, personIds: others, vars: { ...vars, where: move.to ? 'with_parent' : 'home' } });
}

/** "with_me" when the asker is the parent, "with_parent" for another parent, "home" at home. */
function whereFor(parent: ParentOfChild | null, personId: string): 'with_me' | 'with_parent' | 'home' {
  if (!parent) return 'home';
  return parent.id === personId ? 'with_me' : 'with_parent';
}

function currentPlace(place: ChildPlace, person: PersonView, say: Say): string {
  return say(`living:now.${whereFor(place.livingWith, person.id)}`, { parent_name: place.livingWith?.displayName ?? '' });
}

/** A button's id back as a destination; anything else (typed, forged) is none. */
function destinationOf(value: unknown): Destination | undefined {
  if (value === HOME) return 'home';
  return typeof value === 'string' && value.length > 0 ? { parentId: value } : undefined;
}
