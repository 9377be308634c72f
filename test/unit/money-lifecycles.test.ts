import { describe, expect, it } from 'vitest';
import { attendanceProblem, attendanceTransition } from '../../src/domain/attendance.ts';
import {
  feeStatus,
  paymentItemTransition,
  travelStatus,
} from '../../src/domain/payment-lifecycle.ts';
import { travelClaimTransition } from '../../src/domain/travel-claim-lifecycle.ts';

describe('attendance (従事確認)', () => {
  it('is confirmed or disputed from not answered, and a dispute can be settled by agreeing', () => {
    expect(attendanceTransition('agree', null)).toBe('confirmed');
    expect(attendanceTransition('dispute', null)).toBe('disputed');
    expect(attendanceTransition('agree', 'disputed')).toBe('confirmed');
  });

  it('keeps a confirmation, and a dispute is not disputed again', () => {
    expect(attendanceTransition('agree', 'confirmed')).toBeNull();
    expect(attendanceTransition('dispute', 'confirmed')).toBeNull();
    expect(attendanceTransition('dispute', 'disputed')).toBeNull();
  });

  it('is answered only for a completed visit', () => {
    expect(attendanceProblem('agree', { status: 'confirmed', attendance: null })).toMatch(
      /completed/,
    );
    expect(attendanceProblem('agree', { status: 'completed', attendance: null })).toBeNull();
    expect(attendanceProblem('agree', { status: 'completed', attendance: 'confirmed' })).toMatch(
      /confirmed already/,
    );
  });
});

describe('travel claims', () => {
  it('are edited and decided only while submitted', () => {
    expect(travelClaimTransition('edit', 'submitted')).toBe('submitted');
    expect(travelClaimTransition('approve', 'submitted')).toBe('approved');
    expect(travelClaimTransition('adjust', 'submitted')).toBe('adjusted');
    for (const decided of ['approved', 'adjusted'] as const) {
      expect(travelClaimTransition('edit', decided)).toBeNull();
      expect(travelClaimTransition('approve', decided)).toBeNull();
      expect(travelClaimTransition('adjust', decided)).toBeNull();
    }
  });
});

describe('payment items', () => {
  it('pay a fee once the completed visit is confirmed, and only once', () => {
    expect(feeStatus({ status: 'confirmed', attendance: null, paid: false })).toEqual({
      status: 'waiting',
      waiting: 'not-completed',
    });
    expect(feeStatus({ status: 'completed', attendance: null, paid: false })).toEqual({
      status: 'waiting',
      waiting: 'awaiting-confirmation',
    });
    expect(feeStatus({ status: 'completed', attendance: 'disputed', paid: false })).toEqual({
      status: 'waiting',
      waiting: 'disputed',
    });
    expect(feeStatus({ status: 'completed', attendance: 'confirmed', paid: false })).toEqual({
      status: 'payable',
    });
    expect(feeStatus({ status: 'completed', attendance: 'confirmed', paid: true })).toEqual({
      status: 'paid',
    });
    expect(paymentItemTransition('export', 'payable')).toBe('paid');
    expect(paymentItemTransition('export', 'paid')).toBeNull();
    expect(paymentItemTransition('export', 'waiting')).toBeNull();
  });

  it('pay travel once decided and the visit confirmed', () => {
    expect(travelStatus({ status: 'submitted', paid: false, visitConfirmed: true })).toBe(
      'waiting',
    );
    expect(travelStatus({ status: 'approved', paid: false, visitConfirmed: false })).toBe(
      'waiting',
    );
    expect(travelStatus({ status: 'adjusted', paid: false, visitConfirmed: true })).toBe('payable');
    expect(travelStatus({ status: 'approved', paid: true, visitConfirmed: true })).toBe('paid');
  });
});
