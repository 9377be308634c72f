import { z } from '@hono/zod-openapi';
import { ZENGIN_ACCOUNT_TYPES } from '../../domain/zengin.ts';
import { Instant, singleLine } from '../../http/schemas.ts';

// The shape only: codes, number and name are checked against zengin-code by
// domain/bank-account.ts, which names the field that is wrong.
export const BankAccountInput = z
  .strictObject({
    bankCode: singleLine(8).openapi({ example: '0005', description: '4-digit 金融機関コード' }),
    branchCode: singleLine(8).openapi({ example: '103', description: '3-digit 支店コード' }),
    accountType: z.enum(ZENGIN_ACCOUNT_TYPES),
    accountNumber: singleLine(16).openapi({ example: '1234567' }),
    holderName: singleLine(60).openapi({
      example: 'ヤマダ タロウ',
      description:
        '口座名義 in katakana as the bank prints it (hiragana and full-width are converted)',
    }),
  })
  .openapi('BankAccountInput');

export const BankAccountSchema = z
  .object({
    expertId: z.uuid(),
    bankCode: z.string(),
    bankName: z.string(),
    branchCode: z.string(),
    branchName: z.string(),
    accountType: z.enum(ZENGIN_ACCOUNT_TYPES),
    accountNumber: z.string().openapi({ description: '7 digits, as the 全銀 file writes it' }),
    holderName: z.string().openapi({ description: 'Half-width katakana, as the bank prints it' }),
    updatedAt: Instant,
  })
  .openapi('BankAccount');

export type BankAccountBody = z.infer<typeof BankAccountSchema>;
