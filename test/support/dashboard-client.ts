import { hasText, type FakeTelegram, type FakeUser } from './fake-telegram.js';

/**
 * A browser without a browser, for the dashboard's server-side tests: keeps cookies, reads the CSRF token of the
 * last page, and posts forms as a page would.
 */
export class DashboardClient {
  private readonly cookies = new Map<string, string>();
  lastPage = '';

  constructor(readonly baseUrl: string) {}

  async get(path: string): Promise<Response> {
    const response = await fetch(new URL(path, this.baseUrl), { headers: { cookie: this.cookieHeader() }, redirect: 'manual' });
    return this.remember(response);
  }

  /** Posts `fields` with the CSRF token of the last page fetched (unless `csrf: false`). */
  async post(path: string, fields: Record<string, string>, { csrf = true } = {}): Promise<Response> {
    const body = new URLSearchParams({ ...(csrf ? { _csrf: this.csrfToken() } : {}), ...fields });
    const response = await fetch(new URL(path, this.baseUrl), { method: 'POST', body, headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
    return this.remember(response);
  }

  /** Opens the sign-in link and presses "Sign in", as a person would. */
  async signIn(link: string): Promise<Response> {
    const url = new URL(link);
    await this.get(`${url.pathname}${url.search}`);
    return this.post('/login', { token: url.searchParams.get('token') ?? '' });
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  csrfToken(): string {
    const token = /name="_csrf" value="([^"]+)"/.exec(this.lastPage)?.[1];
    if (!token) throw new Error(`No CSRF token on the last page:\n${this.lastPage.slice(0, 500)}`);
    return token;
  }

  private async remember(response: Response): Promise<Response> {
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0]!;
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.clone().text();
    if ((response.headers.get('content-type') ?? '').startsWith('text/html')) this.lastPage = text;
    return response;
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** Sends /dashboard as `user` and answers the link the bot sends back. */
export async function askForDashboardLink(telegram: FakeTelegram, user: FakeUser): Promise<string> {
  telegram.userSays(user, '/dashboard');
  const reply = await telegram.nextSent(user.id, hasText('/login?token='));
  const link = /(https?:\/\/\S+\/login\?token=\S+)/.exec(reply.text ?? '')?.[1];
  if (!link) throw new Error(`No sign-in link in: ${reply.text}`);
  return link;
}
