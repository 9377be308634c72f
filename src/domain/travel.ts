import type { FeeRates } from './fees.ts';
import type { Localized } from './localized.ts';

// Travel an expert claims for an on-site visit (旅費): legs at actual cost by the ordinary
// route, a daily allowance and lodging, with receipts.
//
// Decisions:
// - A claim belongs to one visit and covers its day: the allowance is at most the year's daily
//   allowance, shared with the expert's other on-site visits of the same Tokyo day (one day,
//   one allowance), and lodging at most the year's lodging cap (one night).
// - A claim has at least one leg: travel that cost nothing is no claim.
// - Staff approve the claim as it is or adjust it down, with a reason: receipts back a claim,
//   so more than was claimed is for the expert to claim, not for staff to grant.
// - Receipts are PDF, JPEG or PNG of at most 5 MiB, and their first bytes must say so: the
//   declared type of an upload is the uploader's word, the magic bytes are the file's.

export const TRAVEL_MODES = ['train', 'bus', 'air', 'taxi', 'car', 'other'] as const;
export type TravelMode = (typeof TRAVEL_MODES)[number];

export const travelModeLabels: Record<TravelMode, Localized> = {
  train: { ja: '鉄道', en: 'train' },
  bus: { ja: 'バス', en: 'bus' },
  air: { ja: '航空機', en: 'air' },
  taxi: { ja: 'タクシー', en: 'taxi' },
  car: { ja: '自家用車', en: 'car' },
  other: { ja: 'その他', en: 'other' },
};

export type TravelLeg = { from: string; to: string; mode: TravelMode; amountYen: number };

export type TravelClaim = { legs: TravelLeg[]; allowanceYen: number; lodgingYen: number };

export const MAX_TRAVEL_LEGS = 20;

function yen(amount: number): string {
  return `¥${amount.toLocaleString('en-US')}`;
}

export function travelClaimTotalYen(claim: TravelClaim): number {
  return (
    claim.legs.reduce((sum, leg) => sum + leg.amountYen, 0) + claim.allowanceYen + claim.lodgingYen
  );
}

/** Why travel may not be claimed for this visit, or null if it may. */
export function travelClaimNotAllowed(visit: {
  format: 'onsite' | 'online';
  status: string;
}): string | null {
  if (visit.format !== 'onsite') return 'Travel is paid for on-site visits only';
  if (visit.status !== 'completed') return 'Travel is claimed once the visit is completed';
  return null;
}

export type TravelClaimProblem = { field: string; message: string };

/**
 * What is wrong with a claim under the year's rules, each problem naming its field; empty when
 * the claim can be filed. The shape (places as single-line text, a known mode, amounts whole
 * yen 0 or more) is the route schema's to check; these are the rules beyond it.
 * `allowanceClaimedThatDayYen` is the allowance the expert's other claims for the same Tokyo
 * day already hold.
 */
export function travelClaimProblems(
  claim: TravelClaim,
  rates: FeeRates,
  allowanceClaimedThatDayYen = 0,
): TravelClaimProblem[] {
  const problems: TravelClaimProblem[] = [];
  if (claim.legs.length === 0) {
    problems.push({ field: 'legs', message: 'A claim has at least one leg' });
  }
  if (claim.legs.length > MAX_TRAVEL_LEGS) {
    problems.push({ field: 'legs', message: `A claim has at most ${MAX_TRAVEL_LEGS} legs` });
  }

  const allowanceLeft = Math.max(0, rates.dailyAllowanceYen - allowanceClaimedThatDayYen);
  if (claim.allowanceYen > allowanceLeft) {
    problems.push({
      field: 'allowanceYen',
      message:
        allowanceLeft < rates.dailyAllowanceYen
          ? `The daily allowance is ${yen(rates.dailyAllowanceYen)} a day, ${yen(allowanceClaimedThatDayYen)} of it already claimed that day`
          : `The daily allowance is at most ${yen(rates.dailyAllowanceYen)}`,
    });
  }

  if (claim.lodgingYen > rates.lodgingCapYen) {
    problems.push({
      field: 'lodgingYen',
      message: `Lodging is at most ${yen(rates.lodgingCapYen)} a claim`,
    });
  }
  return problems;
}

/** Why staff cannot approve this amount for a claim, or null if they can. */
export function travelApprovalProblem(
  claimedYen: number,
  approvedYen: number,
  reason: string | undefined,
): string | null {
  if (approvedYen > claimedYen) {
    return `The approved amount cannot exceed the claim (${yen(claimedYen)}): the expert claims more`;
  }
  if (approvedYen !== claimedYen && !reason?.trim()) {
    return 'An approved amount different from the claim needs a reason';
  }
  return null;
}

export const RECEIPT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type ReceiptType = (typeof RECEIPT_TYPES)[number];
export const MAX_RECEIPT_BYTES = 5 * 1024 * 1024;

const magic: Record<ReceiptType, readonly number[]> = {
  // "%PDF-"
  'application/pdf': [0x25, 0x50, 0x44, 0x46, 0x2d],
  // SOI followed by the first marker's 0xFF
  'image/jpeg': [0xff, 0xd8, 0xff],
  // the PNG signature
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
};

/** Why an uploaded receipt is refused, or null if it is a PDF, JPEG or PNG within the limit. */
export function receiptProblem(declaredType: string, bytes: Uint8Array): string | null {
  const type = declaredType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!(RECEIPT_TYPES as readonly string[]).includes(type)) {
    return 'A receipt is a PDF, JPEG or PNG file';
  }
  if (bytes.length === 0) return 'The receipt is empty';
  if (bytes.length > MAX_RECEIPT_BYTES) return 'A receipt is at most 5 MB';
  const signature = magic[type as ReceiptType];
  if (!signature.every((byte, i) => bytes[i] === byte)) {
    return `The file is not a ${type === 'application/pdf' ? 'PDF' : type === 'image/jpeg' ? 'JPEG' : 'PNG'} as declared`;
  }
  return null;
}
