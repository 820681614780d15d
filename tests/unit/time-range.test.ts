import { describe, expect, it } from 'vitest';
import { resolveRange } from '@/lib/view/time-range';

// Saturday 2026-11-21 23:30 UTC = Sunday 2026-11-22 00:30 in Berlin (CET, +1).
const now = new Date('2026-11-21T23:30:00Z');

describe('resolveRange', () => {
  it('counts relative presets back from now', () => {
    expect(resolveRange({ preset: '24h' }, now, 'UTC')).toEqual({ from: new Date('2026-11-20T23:30:00Z'), to: null });
    expect(resolveRange({ preset: '15m' }, now, 'UTC').from).toEqual(new Date('2026-11-21T23:15:00Z'));
  });

  it('means the viewer’s calendar day for today and yesterday', () => {
    expect(resolveRange({ preset: 'today' }, now, 'UTC').from).toEqual(new Date('2026-11-21T00:00:00Z'));
    expect(resolveRange({ preset: 'today' }, now, 'Europe/Berlin').from).toEqual(new Date('2026-11-21T23:00:00Z'));
    expect(resolveRange({ preset: 'yesterday' }, now, 'America/Los_Angeles')).toEqual({
      from: new Date('2026-11-20T08:00:00Z'),
      to: new Date('2026-11-21T08:00:00Z'),
    });
    expect(resolveRange({ preset: 'day_before_yesterday' }, now, 'UTC')).toEqual({
      from: new Date('2026-11-19T00:00:00Z'),
      to: new Date('2026-11-20T00:00:00Z'),
    });
  });

  it('starts weeks on Monday in the viewer’s zone', () => {
    // In UTC it is still Saturday: the week began Monday 16 Nov. In Berlin it is already Sunday: same week.
    expect(resolveRange({ preset: 'this_week' }, now, 'UTC').from).toEqual(new Date('2026-11-16T00:00:00Z'));
    expect(resolveRange({ preset: 'this_week' }, now, 'Europe/Berlin').from).toEqual(new Date('2026-11-15T23:00:00Z'));
    expect(resolveRange({ preset: 'last_week' }, now, 'UTC')).toEqual({ from: new Date('2026-11-09T00:00:00Z'), to: new Date('2026-11-16T00:00:00Z') });
  });

  it('handles a day that starts in summer time and a DST change inside the range', () => {
    const spring = new Date('2026-03-29T12:00:00Z'); // Europe switches to CEST at 01:00 UTC this day
    expect(resolveRange({ preset: 'today' }, spring, 'Europe/Berlin').from).toEqual(new Date('2026-03-28T23:00:00Z'));
    expect(resolveRange({ preset: 'yesterday' }, new Date('2026-03-30T12:00:00Z'), 'Europe/Berlin')).toEqual({
      from: new Date('2026-03-28T23:00:00Z'),
      to: new Date('2026-03-29T22:00:00Z'),
    });
  });
});
