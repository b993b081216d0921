/**
 * What the real behaviour sample looks like (../shared/data/behaviour, 10,996 REES46 events of
 * 2019-10-01 00:00–02:39 UTC), measured with behaviourStatistics(), plus the few published facts
 * of the full October release the slice cannot show. The behaviour generator's constants come
 * from here; choices not measured are marked as such.
 */
export const BEHAVIOUR_PROFILE = {
  /** Measured on the sample. */
  sample: {
    events: 10_996,
    sessions: 3_447,
    users: 3_091,
    products: 4_489,
    categories: 387,
    brands: 695,
    /** Events per session: share of one-event sessions, median, max. */
    oneEventSessionShare: 1_476 / 3_447,
    /** Seconds between consecutive events of a session: p10 / p50 / p90 / p99 = 10 / 32 / 107 / 341. */
    gapSeconds: { median: 32, logSigma: 0.95 },
    emptyCategoryCodeShare: 3_595 / 10_996,
    emptyBrandShare: 1_594 / 10_996,
    /** Price p10 / p50 / p90: 29.58 / 159.57 / 759.06. */
    price: { median: 159.57, logSigma: 1.3 },
    purchaseSessionShare: 124 / 3_447,
    cartSessionShare: 75 / 3_447,
  },
  /**
   * Published for the full October 2019 file (~42 M events, 3 M users): ~96 % views, 2 % carts,
   * 1.7 % purchases. The slice has no remove_from_cart; the generator emits a few (a share of
   * abandoned carts), a choice, not a measurement.
   */
  removeAfterAbandonedCart: 0.35,
  /**
   * Not present in the sample at all, generated rarely so the session rules for them are exercised
   * at volume: events without user_id, events without user_session, and a >30 min pause inside a
   * user_session. Chosen, not measured.
   */
  missingUserShare: 0.001,
  missingSessionShare: 0.002,
  longPauseShare: 0.002,
} as const;
