/**
 * Headers of an answer that refuses a request's body as too large. A body refused by its
 * Content-Length is never read, and one cut off mid-stream is read no further: either way the
 * rest of it is still on the connection, and the Node adapter gives up draining it after half a
 * second, which broke the client's next request on that keep-alive connection. So the refusal
 * closes the connection.
 */
export const REFUSED_BODY_HEADERS = { Connection: 'close' };
