import type { CalendarSession } from '../calendar/export.ts';

/**
 * The last rendered body of each feed, by owner, for as long as its version (ETag) holds,
 * and each visit's VEVENT for as long as nothing in it changes. Subscribed calendars poll:
 * Google Calendar, for one, never sends a conditional GET, so without the bodies every poll
 * of an unchanged feed would render it again; without the events, one changed visit would
 * render all the others again. Least recently used entries go first past the limits.
 */
export class RenderedFeeds {
  readonly #bodies = new Map<string, { version: string; body: string }>();
  #chars = 0;
  readonly #events = new Map<string, string>();

  constructor(
    private readonly maxChars = 16 * 1024 * 1024,
    private readonly maxEvents = 50_000,
  ) {}

  /** The VEVENT of `session`, rendered by `render` unless one of the same content is kept. */
  vevent(session: CalendarSession, render: (session: CalendarSession) => string): string {
    const key = contentKey(session);
    let text = this.#events.get(key);
    if (text === undefined) {
      text = render(session);
      if (this.#events.size >= this.maxEvents) {
        const oldest = this.#events.keys().next();
        if (!oldest.done) this.#events.delete(oldest.value);
      }
    } else {
      this.#events.delete(key);
    }
    this.#events.set(key, text);
    return text;
  }

  get(owner: string, version: string): string | undefined {
    const entry = this.#bodies.get(owner);
    if (entry?.version !== version) return undefined;
    this.#bodies.delete(owner);
    this.#bodies.set(owner, entry);
    return entry.body;
  }

  set(owner: string, version: string, body: string): void {
    this.#forget(owner);
    if (body.length > this.maxChars) return;
    this.#bodies.set(owner, { version, body });
    this.#chars += body.length;
    for (const oldest of this.#bodies.keys()) {
      if (this.#chars <= this.maxChars) break;
      this.#forget(oldest);
    }
  }

  #forget(owner: string): void {
    const entry = this.#bodies.get(owner);
    if (!entry) return;
    this.#chars -= entry.body.length;
    this.#bodies.delete(owner);
  }
}

/**
 * Everything a visit's text is made of, so any change to it renders the event afresh; every
 * field, so a field added to CalendarSession counts too. (JSON.stringify took 6 µs a visit.)
 */
function contentKey(session: CalendarSession): string {
  return Object.values(session)
    .map((value) =>
      value instanceof Date ? value.getTime() : Array.isArray(value) ? value.join('\u001f') : value,
    )
    .join('\u001e');
}
