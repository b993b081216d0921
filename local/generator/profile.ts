/**
 * What the real electronics data looks like, measured once on the 1,002,323
 * rows of ../shared/data/electronics (see local/README.md). The generator's
 * defaults come from here so its output has the same shape and quirks.
 */
export const REAL_PROFILE = {
  rows: 1_002_323,
  products: 16_270,
  /** Zipf-Mandelbrot fit of product popularity: top 1% of products hold 35% of rows, top 10% hold 76%. */
  popularity: { exponent: 1.5, flatHeadPerProduct: 150 / 16_270 },
  /** Category ids per product in the catalogue (770 ids for 16,270 products). */
  productsPerCategory: 21,
  /**
   * 19% of rows belong to products with no category at all; their CSV rows
   * lost a field upstream, so `price` landed in category_code, the user id
   * (rarely) in brand, and price and user_id are empty.
   */
  uncategorisedRowShare: 0.1925,
  /** Of the remaining rows: */
  emptyCategoryCodeShare: 0.301,
  emptyBrandShare: 0.05,
  customerRowShare: 0.124,
  /** Orders whose event_time is 1970-01-01 00:00:00 UTC (missing timestamp). */
  epochDateShare: 0.0195,
  /** An extra identical row per line item (quantity > 1): 193 extra rows in 1M. */
  duplicateShare: 0.0002,
  /** Line items per order, 1..10 (measured counts), the rest a geometric tail. */
  itemsPerOrder: [303_233, 106_484, 50_157, 24_451, 12_901, 7_674, 5_283, 3_585, 2_337, 1_432],
  /** Rows per UTC hour of day (the store is in UTC+3). */
  hourRows: [
    124, 563, 1_285, 5_122, 33_493, 71_963, 92_749, 102_509, 105_788, 113_315, 118_336, 108_035, 85_243, 67_430, 39_830,
    22_802, 7_495, 2_642, 2_095, 736, 583, 240, 174, 140,
  ],
} as const;

/** The real data's statistics as {@link csvStatistics} reports them (measured with it). */
export const REAL_STATISTICS = {
  rows: 1_002_323,
  noUserShare: 0.9,
  epochDateShare: 0.0196,
  emptyCategoryCodeShare: 0.2434,
  emptyBrandShare: 0.2264,
  duplicateRowShare: 0.00015,
  top1PercentProductShare: 0.3508,
  top10PercentProductShare: 0.7577,
  usersWithOneRowShare: 0.605,
  repeatCustomerShare: 0.25,
  rebuyingCustomerShare: 0.05,
  rowsPerOrder: 1.93,
} as const;
