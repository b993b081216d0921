/** The serving store and what the API answers about a customer. */
import type { LiveEvidence } from './realtime';
import { ID_PATTERN } from './rules';

/** The serving store: one item per user holding the top-3. */
export const SERVING_TABLE = {
  partitionKey: 'user_id',
  /** The popularity list served to users without personal recommendations. */
  fallbackUserId: '__fallback__',
  topK: 3,
} as const;

/** A user id as the API accepts it: the same rule as every other id ({@link ID_PATTERN}). */
export const USER_ID_PATTERN = new RegExp(ID_PATTERN);

/** One recommended product as the recommend job writes it (or the API's live blend makes it) and the API returns it. */
export interface RecommendedProduct {
  product_id: string;
  score: number;
  category_code: string | null;
  brand: string | null;
  price: string | null;
  /**
   * Why this item is in the list: the candidate generator whose evidence the card states (an item several
   * generators proposed carries the first of repeat, copurchase, als, category, popular). Absent (data from
   * before per-item sources): only the first item's is known, the list's `source`; the API then sends no
   * `source` for the others.
   */
  source?: RecommendationSource;
  /** `repeat`: units of this product the customer bought (null or absent for other sources). */
  times_bought?: number | null;
  /** `repeat`: the day (YYYY-MM-DD) the customer last bought it. */
  last_bought?: string | null;
  /**
   * `copurchase`: a product this customer bought that other customers bought together with this one;
   * `als`: the customer's product whose buyers most often also bought this one (the evidence a reader can check).
   */
  because_of?: { product_id: string; category_code: string | null; brand: string | null } | null;
  /** `copurchase` and `als`: customers other than this one who bought both `because_of` and this product. */
  customers_also?: number | null;
  /** `category`: the category named (its code, else null) and this product's rank among that category's best sellers. */
  category_rank?: number | null;
  /** `popular` and `fallback`: the product's rank among the store's best sellers. */
  popular_rank?: number | null;
  /** `category`, `popular`, `fallback`: the days of data the best-seller rank counts (distinct known customers). */
  window_days?: number | null;
  /** `live` (issue 24): what the customer did just now that proposed it (contract/realtime.ts liveReason says it). */
  live?: LiveEvidence | null;
}

/**
 * Why an item (or a list, by its first item) was picked: `repeat` the customer bought it before;
 * `copurchase` customers who bought one of this customer's products bought it too; `als` collaborative
 * filtering (Spark ALS); `category` a best seller of a category the customer bought from; `popular` one of
 * the store's best sellers; `fallback` the best-seller list for ids not in the data; `live` (issue 24) related to
 * what the customer viewed, carted or bought in their open session (made by the API, never stored by the batch).
 */
export type RecommendationSource = 'als' | 'copurchase' | 'repeat' | 'category' | 'popular' | 'fallback' | 'live';

/** Sources that come from the customer's own purchases (the others are the store's best sellers). */
export const PERSONAL_SOURCES: readonly RecommendationSource[] = ['repeat', 'copurchase', 'als', 'category', 'live'];

/** One line of the recommend job's output and one item of the serving store. */
export interface UserRecommendations {
  user_id: string;
  recommendations: RecommendedProduct[];
  source: RecommendationSource;
}

/** A customer of the twin's demo data (the generator's first and busiest, any --rows): an example a newcomer can paste. */
export const EXAMPLE_USER_ID = '1515915625440000652';

/** What the API answers (and the website shows) for an id that fails {@link USER_ID_PATTERN}. */
export const USER_ID_RULE = `A user id is 1 to 20 digits, e.g. ${EXAMPLE_USER_ID}.`;

/** What `GET /users/{userId}/recommendations` answers (the API and the website). */
export interface RecommendationsResponse {
  user_id: string;
  source: RecommendationSource;
  /**
   * False when no customer has this id in the data the pipeline last ran on (the recommend job writes
   * an item for every customer with a purchase): the list is then the popularity fallback.
   */
  known: boolean;
  /** False when no item of the list is personal ({@link PERSONAL_SOURCES}): an unknown id, or a known customer with too little history. */
  personalized: boolean;
  recommendations: RecommendedProduct[];
  /**
   * Present on a live list (`source: 'live'`, issue 24): when the streaming job last wrote the customer's open-session
   * activity (ISO-8601 UTC). Absent: the batch list.
   */
  as_of?: string;
  /** Present on a live list: the batch list's product ids in order, the top-3 the session changed. */
  batch_product_ids?: string[];
}
