import { z } from '@hono/zod-openapi';
import { isLocalDate } from '../../domain/time.ts';
import { Instant } from '../../http/schemas.ts';

export const BudgetInput = z
  .strictObject({
    amountYen: z.number().int('must be whole yen').min(0).max(Number.MAX_SAFE_INTEGER),
    intakeClosesOn: z
      .string()
      .refine(isLocalDate, 'must be a date YYYY-MM-DD')
      .nullable()
      .optional()
      .openapi({ description: 'The last day applications are taken (Japan time); null: none' }),
  })
  .openapi('BudgetInput');

const yen = z.number().int();

export const BudgetSchema = z
  .object({
    fiscalYear: z.number().int(),
    label: z.string(),
    amountYen: yen.nullable().openapi({ description: 'null: no budget set for the year' }),
    intakeClosesOn: z.string().nullable(),
    committedYen: yen.openapi({
      description:
        'Estimated fee (planned duration) and travel of booked visits, accepted requests still to book, and visits awaiting confirmation',
    }),
    approvedYen: yen.openapi({
      description: 'Payable and not yet paid: confirmed fees, decided travel',
    }),
    paidYen: yen.openapi({ description: 'Exported: fees and travel, before withholding' }),
    remainingYen: yen.nullable(),
    intake: z.object({
      open: z.boolean(),
      reason: z.enum(['closing-date', 'budget']).nullable(),
    }),
    updatedAt: Instant.nullable(),
  })
  .openapi('Budget');

export type BudgetBody = z.infer<typeof BudgetSchema>;

export const IntakeSchema = z
  .object({
    fiscalYear: z.number().int(),
    open: z.boolean(),
    reason: z.enum(['closing-date', 'budget']).nullable(),
    closesOn: z.string().nullable().openapi({ description: 'The last day applications are taken' }),
  })
  .openapi('Intake');
