import { describe, expect, it } from 'vitest';
import { describeCount } from '@/components/audit/total-count';

describe('describeCount', () => {
  it('says exactly how many when counted', () => {
    expect(describeCount({ count: 1, exact: true })).toBe('1 event');
    expect(describeCount({ count: 9876, exact: true })).toBe('9,876 events');
  });

  it('labels the planner estimate as one', () => {
    expect(describeCount({ count: 8_495_099, exact: false })).toBe('≈ 8.5M events (estimate)');
  });

  it('claims only what is known when the estimate fell below the proven cap', () => {
    expect(describeCount({ count: 10_001, exact: false, atLeast: true })).toBe('more than 10,000 events');
  });
});
