import type { BoundFeature, FeatureModule, RecurringJob } from '../core/feature-contract.js';
import type { InboundListener } from '../core/inbound-listener.js';

/** Any feature module, whatever it needs and provides. */
export type AnyFeatureModule = FeatureModule<any, any>;

type ProvidedBy<M> = M extends { create(deps: never): { provides: infer P } } ? P : never;
type NeededBy<M> = M extends { create(deps: infer D): unknown } ? D : never;

/** Everything the features of a list provide, merged. */
export type ProvidedByAll<M extends readonly unknown[]> = M extends readonly [infer First, ...infer Rest] ? ProvidedBy<First> & ProvidedByAll<Rest> : unknown;

/** Shows, in the compiler's error, which feature needs what no feature before it provides. */
interface MissingDependencies<Feature, Missing> {
  readonly feature: Feature;
  readonly missing: Missing;
}

/**
 * The feature list, checked in order: each feature's `create` must be satisfiable from the shared ports plus what
 * the features before it provide. A feature listed before what it needs is a compile error naming the missing keys.
 */
export type InDependencyOrder<M extends readonly unknown[], Have> = M extends readonly [infer First, ...infer Rest]
  ? Have extends NeededBy<First>
    ? readonly [First, ...InDependencyOrder<Rest, Have & ProvidedBy<First>>]
    : readonly [MissingDependencies<First, Exclude<keyof NeededBy<First>, keyof Have>>, ...InDependencyOrder<Rest, Have & ProvidedBy<First>>]
  : readonly [];

export interface ComposedFeatures<Services> {
  /** The shared ports and every feature's services, by name (the dashboard and tests use them). */
  readonly services: Services;
  readonly bound: readonly BoundFeature[];
  readonly jobs: readonly RecurringJob[];
  readonly listeners: readonly InboundListener[];
}

/** Creates each feature in list order, handing it the shared ports and what the features before it provided. */
export function composeFeatures<Ports extends object, const M extends readonly AnyFeatureModule[]>(
  ports: Ports,
  modules: M & InDependencyOrder<M, Ports>,
): ComposedFeatures<Ports & ProvidedByAll<M>> {
  let available: object = ports;
  const bound: BoundFeature[] = [];
  const jobs: RecurringJob[] = [];
  const listeners: InboundListener[] = [];
  for (const module of modules as readonly AnyFeatureModule[]) {
    const created = module.create(available);
    available = { ...available, ...created.provides };
    bound.push({ contract: module, actionDeps: available });
    jobs.push(...(created.jobs ?? []));
    listeners.push(...(created.listeners ?? []));
  }
  return { services: available as Ports & ProvidedByAll<M>, bound, jobs, listeners };
}
