/** The serving store and what the API answers about a customer. */
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

/** One recommended product as the recommend job writes it and the API returns it. */
export interface RecommendedProduct {
  product_id: string;
  score: number;
  category_code: string | null;
  brand: string | null;
  price: string | null;
  /**
   * Why this item is in the list, when the recommend job says so per item (a
   * list can start with repeats and be topped up from ALS or popularity).
   * Absent (data from before per-item sources): only the first item's is
   * known, the list's `source`; the API then sends no `source` for the others.
   */
  source?: RecommendationSource;
  /** Units of this product the customer bought, for `repeat` items (null or absent for other sources). */
  times_bought?: number | null;
}

/**
 * Why an item (or a list, by its first item) was picked: `repeat` the customer bought it before;
 * `als` collaborative filtering; `category` a best seller of a category the customer bought from;
 * `popular` one of the store's best sellers; `fallback` the best-seller list for ids not in the data.
 */
export type RecommendationSource = 'als' | 'repeat' | 'category' | 'popular' | 'fallback';

/** One line of the recommend job's output and one item of the serving store. */
export interface UserRecommendations {
  user_id: string;
  recommendations: RecommendedProduct[];
  source: RecommendationSource;
}

/** What the API answers (and the website shows) for an id that fails {@link USER_ID_PATTERN}. */
export const USER_ID_RULE = 'A user id is 1 to 20 digits, e.g. 564068124281422848.';

/** What `GET /users/{userId}/recommendations` answers (the API and the website). */
export interface RecommendationsResponse {
  user_id: string;
  source: RecommendationSource;
  /**
   * False when no customer has this id in the data the pipeline last ran on (the recommend job writes
   * an item for every customer with a purchase): the list is then the popularity fallback.
   */
  known: boolean;
  /** False when no item of the list is personal (repeat, als, category): an unknown id, or a known customer with too little history. */
  personalized: boolean;
  recommendations: RecommendedProduct[];
}
