import { signedInArea } from '../signed-in.ts';

/** The programme office's pages, /staff: signed in with a staff or a viewer token. */
export const staffArea = signedInArea({
  cookie: 'haken_staff',
  path: '/staff',
  roles: ['staff', 'viewer'],
});

/** A page a viewer (the ministry's officials) may read too: it shows them no button. */
export const requireReader = staffArea.required;

/** A page or form that changes something, or shows what only the office sees: staff only. */
export const requireStaff = staffArea.only(['staff']);

/** Whether the signed-in browser may change things (staff), or only read (a viewer). */
export const canChange = (c: { get(key: 'session'): { principal: { role: string } } }) =>
  c.get('session').principal.role === 'staff';
