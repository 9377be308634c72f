import type { requests } from '../../db/schema.ts';
import { ApiError } from '../../http/errors.ts';

type RequestRow = typeof requests.$inferSelect;

/**
 * A company books (and sees slots) only once the office has accepted its application; until
 * then, or after a decline, it is told which of the two it is.
 */
export function mustBeAccepted(request: RequestRow): void {
  if (request.status === 'received') {
    throw new ApiError(
      'not-accepted',
      'The programme office is still reviewing this application; a visit can be booked once it is accepted',
    );
  }
  if (request.status === 'declined') {
    throw new ApiError('not-accepted', 'The programme office has declined this application');
  }
}
