/** How deployed code is wired: Lambda environment, API routes, the site's runtime config. */

/** Environment variables the CDK app sets and the Lambda handlers read. */
export const LAMBDA_ENV = {
  /** Comma-separated bootstrap servers (MSK: resolved at deploy time, port 9098). */
  kafkaBrokers: 'KAFKA_BROKERS',
  /** `iam` on MSK (SASL/OAUTHBEARER over TLS), `plaintext` on the local broker. */
  kafkaAuth: 'KAFKA_AUTH',
  tableName: 'TABLE_NAME',
  /** The raw/lake bucket: recommendations output and analytics documents. */
  lakeBucket: 'LAKE_BUCKET',
  allowedOrigin: 'ALLOWED_ORIGIN',
} as const;

/** HTTP routes of the recommendation API (API Gateway and the local server alike). */
export const API_ROUTES = {
  health: '/health',
  recommendations: '/users/{userId}/recommendations',
  analytics: '/analytics/{name}',
  /** Issue 15: the funnel, session metrics, the intent model card, a customer's categories and sessions (`?format=csv`). */
  behaviourFunnel: '/behaviour/funnel',
  behaviourSessions: '/behaviour/sessions',
  behaviourIntent: '/behaviour/intent',
  customerBehaviour: '/users/{userId}/behaviour',
  /** Issue 16: the streaming job's live view (contract/realtime.ts LiveView). */
  live: '/live',
  /** Issue 21: the recommender's model card and run history, and a product's item-to-item list. */
  recommenderModel: '/model/recommendations',
  similarProducts: '/products/{productId}/similar',
} as const;

/**
 * The OAuth scope the API's data routes require (API Gateway route authorization scopes), so an ID token,
 * which carries no scope, is refused: AWS recommends scopes for Cognito tokens on HTTP API JWT authorizers
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-jwt.html).
 * On AWS it is a custom scope of a Cognito resource server, written `<identifier>/<name>`; the twin's
 * provider issues the same string. The site asks for it; the API and the twin's token check require it.
 */
const API_RESOURCE_SERVER = 'recstream-api';
export const API_SCOPE = { resourceServer: API_RESOURCE_SERVER, name: 'read', scope: `${API_RESOURCE_SERVER}/read` } as const;

/** Written next to the built site at deploy time, so one build serves every deployment. */
export const WEB_RUNTIME_CONFIG_FILE = 'config.json';
export interface WebRuntimeConfig {
  /** Base URL of the API, without a trailing slash. */
  apiUrl: string;
  /** The OpenID Connect provider analysts sign in with (Cognito on AWS, a local provider in the twin). */
  auth: { authority: string; clientId: string; scopes: string } | null;
}
