import { signedInArea } from '../signed-in.ts';

/** The programme office's pages, /staff: signed in with a staff token. */
export const staffArea = signedInArea({ cookie: 'haken_staff', path: '/staff', roles: ['staff'] });

export const requireStaff = staffArea.required;
