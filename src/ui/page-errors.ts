/** Thrown by a page when what it shows does not exist (or is not the caller's): a 404 page. */
export class PageNotFound extends Error {}

/** Thrown when the API no longer accepts the staff session's token: back to sign-in. */
export class SignedOut extends Error {}
