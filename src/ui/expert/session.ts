import { signedInArea } from '../signed-in.ts';

/** An expert's own pages, /expert: signed in with a one-time link. */
export const expertArea = signedInArea({
  cookie: 'haken_expert',
  path: '/expert',
  roles: ['expert'],
});

export const requireExpert = expertArea.required;
