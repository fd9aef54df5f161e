import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Viewer } from './viewer.js';

/** Words of the dashboard, in the viewer's language. */
export type Words = (key: string, vars?: Record<string, unknown>) => string;

export interface Translate {
  t(locale: string, key: string, vars?: Record<string, unknown>): string;
  /** The best shipped locale for a language tag such as "en-GB" or "zh-Hans-CN". */
  supportedLocale(hint: string | undefined, fallback: string): string;
}

/** For someone not signed in: the first language their browser asks for that we ship, else the deployment's. */
export function browserLocale(request: FastifyRequest, translate: Translate, fallback: string): string {
  const first = request.headers['accept-language']?.split(',')[0]?.split(';')[0]?.trim();
  return translate.supportedLocale(first, fallback);
}

/** What every page needs to render: who looks, their words, and a fresh CSRF token for its forms. */
export interface PageContext {
  readonly viewer: Viewer;
  readonly words: Words;
  /** Words of another namespace, by full key (language names and audience labels shared with chat). */
  readonly shared: Words;
  readonly csrf: string;
}

export class SignInRequiredError extends Error {
  override readonly name = 'SignInRequiredError';
}

/** Raised for an id that is outside the viewer's families as well as for one that does not exist: both read "not found". */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

export function viewerOf(request: FastifyRequest): Viewer {
  if (!request.viewer) throw new SignInRequiredError('This page needs a signed-in viewer');
  return request.viewer;
}

export function pageContext(request: FastifyRequest, reply: FastifyReply, translate: Translate): PageContext {
  const viewer = viewerOf(request);
  return {
    viewer,
    words: (key, vars) => translate.t(viewer.locale, `dashboard:web.${key}`, vars),
    shared: (key, vars) => translate.t(viewer.locale, key, vars),
    csrf: reply.generateCsrf(),
  };
}

/** Runs `work`, turning the given "not yours or not there" errors of a feature service into the dashboard's "not found". */
export async function orNotFound<T>(work: () => Promise<T>, kinds: readonly (abstract new (...args: never[]) => Error)[]): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (kinds.some((kind) => error instanceof kind)) throw new NotFoundError((error as Error).message, { cause: error });
    throw error;
  }
}
