import type { TestApi } from './api.ts';

/** A valid application body, with the windows placed relative to the harness clock. */
export function application(api: Pick<TestApi, 'now'>, overrides: Record<string, unknown> = {}) {
  const day = 24 * 3600_000;
  const base = api.now().getTime();
  return {
    company: {
      name: '株式会社テスト金属',
      corporateNumber: '7000012050002',
      industryCode: 'E24',
      prefectureCode: '23',
      employees: 120,
      capitalYen: 50_000_000,
    },
    contact: { name: '山田 太郎', email: 'yamada@example.jp', phone: '052-123-4567' },
    topics: ['identify', 'classify', 'access'],
    format: 'onsite',
    durationMinutes: 120,
    preferredWindows: [
      {
        start: new Date(base + 7 * day).toISOString(),
        end: new Date(base + 14 * day).toISOString(),
      },
    ],
    notes: '',
    ...overrides,
  };
}

export function expert(overrides: Record<string, unknown> = {}) {
  return {
    name: '佐藤 花子',
    email: 'sato@example.jp',
    affiliation: '情報管理コンサルティング',
    industries: ['E24'],
    tags: [],
    topics: ['identify', 'classify', 'access', 'training'],
    prefectures: ['23', '13'],
    online: true,
    languages: ['ja'],
    maxVisitsPerMonth: 8,
    travelBufferMinutes: 60,
    conflicts: [],
    ...overrides,
  };
}

export const weekdays9to17 = [1, 2, 3, 4, 5].map((weekday) => ({
  weekday,
  start: '09:00',
  end: '17:00',
}));

export async function createExpert(api: TestApi, overrides: Record<string, unknown> = {}) {
  const res = await api.call('POST', '/v1/experts', { body: expert(overrides) });
  if (res.status !== 201) throw new Error(`expert create failed: ${res.status} ${res.text}`);
  const availability = await api.call('PUT', `/v1/experts/${res.body.id}/availability`, {
    body: { weekly: weekdays9to17, overrides: [] },
  });
  if (availability.status !== 200) throw new Error(`availability failed: ${availability.text}`);
  return availability.body as { id: string; [key: string]: unknown };
}

export async function apply(api: TestApi, overrides: Record<string, unknown> = {}) {
  const res = await api.call('POST', '/v1/requests', {
    token: null,
    body: application(api, overrides),
  });
  if (res.status !== 201) throw new Error(`apply failed: ${res.status} ${res.text}`);
  return res.body as { request: { id: string; [key: string]: any }; accessToken: string };
}

/** The office accepts an application (審査), so its company can book. */
export async function accept(api: TestApi, requestId: string, body: Record<string, unknown> = {}) {
  const res = await api.call('POST', `/v1/requests/${requestId}/accept`, { body });
  if (res.status !== 200) throw new Error(`accept failed: ${res.status} ${res.text}`);
  return res.body as { id: string; status: string; [key: string]: any };
}

/** An application the office has accepted: what a company books against. */
export async function applyAccepted(api: TestApi, overrides: Record<string, unknown> = {}) {
  const applied = await apply(api, overrides);
  const request = await accept(api, applied.request.id);
  return { ...applied, request };
}
