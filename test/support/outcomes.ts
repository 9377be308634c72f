import type { ReadinessLevels } from '../../src/domain/readiness.ts';
import { stepCodes } from '../../src/domain/topics.ts';
import type { TestApi } from './api.ts';

/** Levels in step order: identify, classify, manager, process, training, incident, access, physical, electronic. */
export function levels(...values: number[]): ReadinessLevels {
  if (values.length !== stepCodes.length) throw new Error('nine levels, one per step');
  return Object.fromEntries(stepCodes.map((step, i) => [step, values[i]])) as ReadinessLevels;
}

/** Every step at one level. */
export const allAt = (level: number) => levels(...stepCodes.map(() => level));

/** The visit's expert reports it (as staff) once it has begun: the clock moves to three hours after its start. */
export async function completeVisit(api: TestApi, session: { id: string; start: string }) {
  const after = new Date(Date.parse(session.start) + 3 * 3600_000);
  if (after > api.now()) api.setNow(after);
  const res = await api.call('POST', `/v1/sessions/${session.id}/report`, {
    body: { topicsCovered: ['identify'], summary: '規程の整備状況を確認', followUpNeeded: false },
  });
  if (res.status !== 200) throw new Error(`report failed: ${res.status} ${res.text}`);
  return res.body as { id: string; status: string };
}

/** A survey body, every answer given. */
export const survey = (overrides: Record<string, unknown> = {}) => ({
  satisfaction: 4,
  resolved: 'partly',
  wantsMore: true,
  comment: '管理規程の雛形が役に立ちました。',
  expertRating: 5,
  ...overrides,
});
