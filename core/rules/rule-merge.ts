import type { RuleSet } from './rule-set';

/** What may be laid over a rule set: any of its parameters, the nested ones in part. */
export type RuleOverlay = Omit<
  Partial<RuleSet>,
  'stalledAfterSeconds' | 'firstArticle' | 'reconciliation' | 'triageMinutes'
> & {
  stalledAfterSeconds?: Partial<RuleSet['stalledAfterSeconds']>;
  firstArticle?: Partial<RuleSet['firstArticle']>;
  reconciliation?: Partial<RuleSet['reconciliation']>;
  triageMinutes?: Partial<RuleSet['triageMinutes']>;
};

/**
 * A rule set with some parameters laid over it: a plant's file entry over the defaults, a rule change over the
 * version before it. Nested parameters merge one level deep (a change of one tolerance keeps the others).
 */
export function mergeRuleSet(base: RuleSet, over: RuleOverlay | undefined): RuleSet {
  return {
    ...base,
    ...(over as Partial<RuleSet>),
    triageMinutes: { ...base.triageMinutes, ...over?.triageMinutes },
    stalledAfterSeconds: {
      orders: { ...base.stalledAfterSeconds.orders, ...over?.stalledAfterSeconds?.orders },
      transactions: { ...base.stalledAfterSeconds.transactions, ...over?.stalledAfterSeconds?.transactions },
    },
    firstArticle: { ...base.firstArticle, ...over?.firstArticle },
    reconciliation: {
      ...base.reconciliation,
      ...over?.reconciliation,
      tolerances: { ...base.reconciliation.tolerances, ...over?.reconciliation?.tolerances },
    },
  };
}
