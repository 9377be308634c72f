import { describe, expect, it } from 'vitest';
import type { CalendarSession } from '../../src/calendar/export.ts';
import { RenderedFeeds } from '../../src/feeds/rendered-feeds.ts';
import { calendarVisit } from '../support/calendar.ts';

const session = (id: string, sequence = 0) => calendarVisit({ id, sequence });

describe('RenderedFeeds', () => {
  it('gives a body back only for the version it was rendered at', () => {
    const feeds = new RenderedFeeds();
    feeds.set('expert-1', 'v1', 'BODY-1');
    expect(feeds.get('expert-1', 'v1')).toBe('BODY-1');
    expect(feeds.get('expert-1', 'v2')).toBeUndefined();
    feeds.set('expert-1', 'v2', 'BODY-2');
    expect(feeds.get('expert-1', 'v1')).toBeUndefined();
    expect(feeds.get('expert-2', 'v2')).toBeUndefined();
  });

  it('lets the least recently used bodies go past its size', () => {
    const feeds = new RenderedFeeds(10);
    feeds.set('a', 'v', '12345');
    feeds.set('b', 'v', '12345');
    feeds.get('a', 'v');
    feeds.set('c', 'v', '12345');
    expect(feeds.get('a', 'v')).toBe('12345');
    expect(feeds.get('b', 'v')).toBeUndefined();
    expect(feeds.get('c', 'v')).toBe('12345');
    feeds.set('huge', 'v', '12345678901');
    expect(feeds.get('huge', 'v')).toBeUndefined();
  });

  it('renders a visit again exactly when something in it changed', () => {
    const feeds = new RenderedFeeds(1000, 2);
    let renders = 0;
    const render = (s: CalendarSession) => `${s.id}:${s.sequence}:${++renders}`;
    expect(feeds.vevent(session('a'), render)).toBe('a:0:1');
    expect(feeds.vevent(session('a'), render)).toBe('a:0:1');
    expect(feeds.vevent(session('a', 1), render)).toBe('a:1:2');
    expect(feeds.vevent({ ...session('a', 1), expertName: '山田 花子' }, render)).toBe('a:1:3');
    // Two kept at most: the oldest, a at sequence 0, has gone.
    expect(feeds.vevent(session('a'), render)).toBe('a:0:4');
  });
});
