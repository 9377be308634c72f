import { z } from 'zod';
import { ZENGIN_ACCOUNT_TYPES, ZENGIN_REQUESTER_NAME_WIDTH } from './domain/zengin.ts';
import { toZenginKana, unsupportedZenginCharacters } from './domain/zengin-kana.ts';

const flag = z
  .enum(['true', 'false', '1', '0'])
  .default('false')
  .transform((v) => v === 'true' || v === '1');
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const zenginKeys = [
  'ZENGIN_REQUESTER_CODE',
  'ZENGIN_REQUESTER_NAME',
  'ZENGIN_BANK_CODE',
  'ZENGIN_BRANCH_CODE',
  'ZENGIN_ACCOUNT_NUMBER',
] as const;

const envSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(8787),
    DATABASE_URL: z.string().url().optional(),
    DATABASE_POOL_MAX: positiveInt(10),
    DATA_DIR: z.string().min(1).default('./data'),
    STAFF_TOKEN: z.string().min(16, 'STAFF_TOKEN must be at least 16 characters').optional(),
    PUBLIC_BASE_URL: z.string().url().optional(),
    VISITS_PER_COMPANY_PER_FY: positiveInt(3),
    MIN_NOTICE_HOURS: z.coerce.number().int().min(0).default(72),
    HORIZON_DAYS: positiveInt(90),
    FEED_SYNC_MINUTES: positiveInt(15),
    FEED_ALLOW_PRIVATE: flag,
    FEED_SECRET: z.string().min(32, 'FEED_SECRET must be at least 32 characters').optional(),
    OFFICE_EMAIL: z.email().default('office@haken.invalid'),
    OFFICE_PHONE: z
      .string()
      .regex(
        /^\+?[0-9][0-9 ()-]{5,20}$/,
        'OFFICE_PHONE must be a phone number such as 03-1234-5678',
      )
      .optional(),
    AUTO_ACCEPT: z.enum(['off', 'sme']).default('off'),
    PRIVACY_POLICY_URL: z.url({ protocol: /^https?$/ }).optional(),
    RATE_LIMIT_APPLY_PER_MINUTE: z.coerce.number().int().min(0).default(20),
    RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(0).default(30),
    TRUST_PROXY: flag,
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\/[^\s]+$/i, 'SMTP_URL must be an smtp:// or smtps:// URL')
      .optional(),
    NOTIFY_MAX_ATTEMPTS: positiveInt(8),
    NOTIFY_INTERVAL_SECONDS: positiveInt(5),
    // The office as its bank knows it, for the 全銀 総合振込 file: all of them or none.
    ZENGIN_REQUESTER_CODE: z
      .string()
      .regex(/^[0-9]{10}$/, 'ZENGIN_REQUESTER_CODE is the 10-digit 委託者コード the bank gave')
      .optional(),
    ZENGIN_REQUESTER_NAME: z
      .string()
      .transform(toZenginKana)
      .refine(
        (name) => name !== '' && unsupportedZenginCharacters(name).length === 0,
        'ZENGIN_REQUESTER_NAME is the 依頼人名 in katakana, A–Z, digits, spaces and ( ) - . /',
      )
      .refine(
        (name) => name.length <= ZENGIN_REQUESTER_NAME_WIDTH,
        `ZENGIN_REQUESTER_NAME is at most ${ZENGIN_REQUESTER_NAME_WIDTH} half-width characters (voiced kana count two)`,
      )
      .optional(),
    ZENGIN_BANK_CODE: z
      .string()
      .regex(/^[0-9]{4}$/, 'ZENGIN_BANK_CODE is 4 digits')
      .optional(),
    ZENGIN_BRANCH_CODE: z
      .string()
      .regex(/^[0-9]{3}$/, 'ZENGIN_BRANCH_CODE is 3 digits')
      .optional(),
    ZENGIN_ACCOUNT_TYPE: z.enum(ZENGIN_ACCOUNT_TYPES).default('ordinary'),
    ZENGIN_ACCOUNT_NUMBER: z
      .string()
      .regex(/^[0-9]{1,7}$/, 'ZENGIN_ACCOUNT_NUMBER is 1 to 7 digits')
      .optional(),
  })
  .superRefine((e, ctx) => {
    const set = zenginKeys.filter((key) => e[key] !== undefined);
    if (set.length > 0 && set.length < zenginKeys.length) {
      ctx.addIssue({
        code: 'custom',
        path: [zenginKeys.find((key) => e[key] === undefined) ?? 'ZENGIN_REQUESTER_CODE'],
        message: `the 全銀 file needs all of ${zenginKeys.join(', ')}, or none of them`,
      });
    }
  })
  .transform((e) => ({
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.DATABASE_POOL_MAX,
    dataDir: e.DATA_DIR,
    staffToken: e.STAFF_TOKEN,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    visitsPerCompanyPerFy: e.VISITS_PER_COMPANY_PER_FY,
    minNoticeHours: e.MIN_NOTICE_HOURS,
    horizonDays: e.HORIZON_DAYS,
    feedSyncMinutes: e.FEED_SYNC_MINUTES,
    feedAllowPrivate: e.FEED_ALLOW_PRIVATE,
    feedSecret: e.FEED_SECRET,
    officeEmail: e.OFFICE_EMAIL,
    officePhone: e.OFFICE_PHONE,
    autoAccept: e.AUTO_ACCEPT,
    privacyPolicyUrl: e.PRIVACY_POLICY_URL,
    rateLimitApplyPerMinute: e.RATE_LIMIT_APPLY_PER_MINUTE,
    rateLimitAuthFailuresPerMinute: e.RATE_LIMIT_AUTH_FAILURES_PER_MINUTE,
    trustProxy: e.TRUST_PROXY,
    smtpUrl: e.SMTP_URL,
    notifyMaxAttempts: e.NOTIFY_MAX_ATTEMPTS,
    notifyIntervalSeconds: e.NOTIFY_INTERVAL_SECONDS,
    zengin:
      e.ZENGIN_REQUESTER_CODE &&
      e.ZENGIN_REQUESTER_NAME &&
      e.ZENGIN_BANK_CODE &&
      e.ZENGIN_BRANCH_CODE &&
      e.ZENGIN_ACCOUNT_NUMBER
        ? {
            requesterCode: e.ZENGIN_REQUESTER_CODE,
            requesterName: e.ZENGIN_REQUESTER_NAME,
            bankCode: e.ZENGIN_BANK_CODE,
            branchCode: e.ZENGIN_BRANCH_CODE,
            accountType: e.ZENGIN_ACCOUNT_TYPE,
            accountNumber: e.ZENGIN_ACCOUNT_NUMBER.padStart(7, '0'),
          }
        : null,
  }));

export type Config = z.output<typeof envSchema>;

/** Reads the configuration of PRODUCT.md from an environment (process.env or a Worker's env). */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "unset", as a shell user would expect of `FOO= npm start`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}
