import type { TestApi } from './api.ts';

export type Page = { status: number; html: string; headers: Headers };
export type FormFields = Record<string, string | string[]>;

/**
 * A browser stand-in for the web pages over app.request: it keeps the cookies it is given
 * and posts forms as application/x-www-form-urlencoded from this site (Sec-Fetch-Site), as
 * a browser would; `headers` overrides that to play another site.
 */
export function browserOf(api: TestApi) {
  const cookies = new Map<string, string>();

  async function send(
    method: string,
    path: string,
    init: { form?: FormFields; headers?: Record<string, string> },
  ) {
    const headers: Record<string, string> = { ...init.headers };
    if (cookies.size > 0) {
      headers.cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    let body: string | undefined;
    if (init.form) {
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(init.form)) {
        for (const v of [value].flat()) params.append(name, v);
      }
      body = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['sec-fetch-site'] ??= 'same-origin';
    }
    const res = await api.app.request(path, { method, headers, body });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const [name = '', value = ''] = pair.split('=');
      if (/max-age=0/i.test(line) || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
    return { status: res.status, html: await res.text(), headers: res.headers };
  }

  const get = (path: string, headers: Record<string, string> = {}) =>
    send('GET', path, { headers });
  const post = (path: string, form: FormFields, headers: Record<string, string> = {}) =>
    send('POST', path, { form, headers });
  return {
    cookies,
    get,
    post,
    /**
     * Posts a form and, as a browser does, follows the 303 that answers it: the page shown
     * after, with `location` the address it came from (undefined if the POST did not redirect).
     */
    async submit(path: string, form: FormFields, headers: Record<string, string> = {}) {
      const res = await post(path, form, headers);
      const location = res.headers.get('location');
      if (res.status !== 303 || !location) return { ...res, location: undefined };
      return { ...(await get(location)), location };
    },
  };
}

export type Browser = ReturnType<typeof browserOf>;

/** The value of the first `name="…"` field in a page (hidden fields, CSRF token). */
export function fieldValue(html: string, name: string): string | undefined {
  const input = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0];
  return input ? /value="([^"]*)"/.exec(input)?.[1] : undefined;
}

/** A valid application as the form posts it, windows in Japan time for the harness clock. */
export function applicationForm(overrides: FormFields = {}): FormFields {
  return {
    'company.name': '株式会社テスト金属',
    'company.corporateNumber': '7000012050002',
    'company.industryCode': 'E24',
    'company.prefectureCode': '23',
    'company.employees': '120',
    'company.capitalYen': '50000000',
    'contact.name': '山田 太郎',
    'contact.email': 'yamada@example.jp',
    'contact.phone': '052-123-4567',
    'contact.nameKana': 'ヤマダ タロウ',
    'company.address': '愛知県名古屋市中区三の丸3-1-2',
    privacyConsent: '1',
    topics: ['identify', 'access'],
    format: 'onsite',
    durationMinutes: '120',
    'preferredWindows.0.start': '2026-12-02T09:00',
    'preferredWindows.0.end': '2026-12-09T17:00',
    notes: '',
    ...overrides,
  };
}
