import type { Localized } from './localized.ts';

// The nine steps METI sets out on the way to certification, in its order; readiness is
// measured over these.
export const stepCodes = [
  'identify',
  'classify',
  'manager',
  'process',
  'training',
  'incident',
  'access',
  'physical',
  'electronic',
] as const;

export type StepCode = (typeof stepCodes)[number];

// The steps, then the two further subjects the dispatch also covers.
export const topicCodes = [...stepCodes, 'audit', 'industry-model'] as const;

export type TopicCode = (typeof topicCodes)[number];

const names: Record<TopicCode, Localized> = {
  identify: { ja: '守る情報の決定', en: 'Decide which information to protect' },
  classify: {
    ja: '守る情報の識別・対策整理',
    en: 'Identify protected information and organise its measures',
  },
  manager: { ja: '管理者選任', en: 'Appoint an information manager' },
  process: { ja: '情報管理プロセスの設定', en: 'Set up the information-management process' },
  training: { ja: '従業員への対策周知・教育', en: 'Inform and train employees' },
  incident: { ja: '事故発生時の報告ルール', en: 'Incident reporting rules' },
  access: {
    ja: '管理対象情報へのアクセス権の設定',
    en: 'Access rights to managed information',
  },
  physical: { ja: '金庫等による物理的管理', en: 'Physical control (safes and the like)' },
  electronic: {
    ja: 'ID等設定による電子情報の管理',
    en: 'Electronic information control (IDs and the like)',
  },
  audit: { ja: '既存対策の内部監査', en: 'Internal audit of existing measures' },
  'industry-model': { ja: '業界標準管理モデル', en: 'Industry standard management model' },
};

export const topics: readonly { code: TopicCode; name: Localized }[] = topicCodes.map((code) => ({
  code,
  name: names[code],
}));

export function isTopic(s: string): s is TopicCode {
  return (topicCodes as readonly string[]).includes(s);
}
