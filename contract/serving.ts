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
   * Absent: the list's `source` (which is its first item's).
   */
  source?: RecommendationSource;
}

/** Why a user got the list they got. */
export type RecommendationSource = 'als' | 'repeat' | 'popular' | 'fallback';

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
  /** False when the user has no item of their own and got the popularity fallback. */
  personalized: boolean;
  recommendations: RecommendedProduct[];
}
