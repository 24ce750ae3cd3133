import { describe, expect, it } from 'vitest';
import { choosePlan, type DraftPlan, type PlanResult } from '../../src/authoring/draft.ts';

function result(method: DraftPlan['method'], events: number, extra: Partial<PlanResult> = {}): PlanResult {
  const plan = { method, summary: `${method} plan`, confidence: 'high', config: {}, selectorNotes: {}, review: [] } as unknown as DraftPlan;
  return { plan, events, invalid: 0, ...extra };
}

describe('choosePlan', () => {
  it('keeps JSON-LD or a feed when it yields at least half of the best, before any cards', () => {
    expect(choosePlan([result('jsonld', 5), result('css', 9)])?.plan.method).toBe('jsonld');
    expect(choosePlan([result('jsonld', 4), result('css', 9)])?.plan.method).toBe('css');
  });

  it('keeps static cards over rendered ones while they yield at least half as many: no browser on every run', () => {
    expect(choosePlan([result('css', 5), result('headless', 10)])?.plan.method).toBe('css');
    expect(choosePlan([result('css', 4), result('headless', 10)])?.plan.method).toBe('headless');
    expect(choosePlan([result('headless', 3)])?.plan.method).toBe('headless');
  });

  it('drafts a working feed whose events have all ended, and nothing when no plan yields or lists any', () => {
    expect(choosePlan([result('css', 0), result('ics', 0, { ended: 12 })])?.plan.method).toBe('ics');
    expect(choosePlan([result('css', 0), result('ics', 0)])).toBeUndefined();
  });
});
