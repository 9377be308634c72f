/**
 * The last rendered body of each feed, by owner, for as long as its version (ETag) holds.
 * Subscribed calendars poll: Google Calendar, for one, never sends a conditional GET, so
 * without this every poll of an unchanged feed would render it again. Least recently used
 * owners go first once the bodies pass `maxChars`.
 */
export class RenderedFeeds {
  readonly #bodies = new Map<string, { version: string; body: string }>();
  #chars = 0;

  constructor(private readonly maxChars = 16 * 1024 * 1024) {}

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
