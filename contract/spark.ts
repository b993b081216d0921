import {
  BEHAVIOUR_CSV_COLUMNS,
  BEHAVIOUR_EVENT_JSON_SCHEMA,
  BEHAVIOUR_EVENT_TYPES,
  BEHAVIOUR_EVENT_VERSION,
  BEHAVIOUR_FIELD_REJECT_REASONS,
  BEHAVIOUR_ID_FIELDS,
  BEHAVIOUR_LAKE,
  BEHAVIOUR_REQUIRED_FIELDS,
  BEHAVIOUR_TEXT_FIELDS,
  NO_USER_AND_NO_SESSION,
  SESSION_INACTIVITY_SECONDS,
} from './behaviour-event';
import { ANALYTICS_DOCUMENTS, CURATED_PARTITION, LAKE } from './lake';
import { ALS_DEFAULTS, LAKE_ROOT_PLACEHOLDER, SPARK_PACKAGES, sparkSteps } from './pipeline';
import { CSV_COLUMNS, PURCHASE_EVENT_JSON_SCHEMA, PURCHASE_EVENT_VERSION, UPLOAD_COMPLETE_JSON_SCHEMA } from './purchase-event';
import {
  CONTROL_CHARACTER_PATTERN,
  EVENT_TIME_EXAMPLES,
  EVENT_TIME_PATTERN,
  EVENT_TIME_RANGE,
  EXAMPLES_NOW,
  FIELD_REJECT_REASONS,
  ID_FIELDS,
  ID_PATTERN,
  LINE_REJECT_REASONS,
  PRICE_PATTERN,
  REQUIRED_FIELDS,
  RULE_EXAMPLES,
  EXAMPLE_ROW,
  TEXT_FIELDS,
  UPLOAD_REJECT_REASONS,
} from './rules';
import { SERVING_TABLE } from './serving';
import { RECOMMENDER_GENERATORS, RECOMMENDER_MODELS, SIMILAR_PER_PRODUCT } from './recommender';
import { FIREHOSE_BUFFER, TOPIC } from './streaming';
import { REALTIME } from './realtime';

/** The facts the Spark jobs read, as emr-jobs/recstream_jobs/contract.json (`npm run contract`). */
export const sparkContract = () => ({
  generated_from: 'contract/',
  csv_columns: CSV_COLUMNS,
  purchase_event_version: PURCHASE_EVENT_VERSION,
  /** The raw read schema is built from this (strings stay strings; integers are `v` and `line`). */
  purchase_event_schema: PURCHASE_EVENT_JSON_SCHEMA,
  /** Ingest's last record of a complete upload; clean counts a source's rows only once it has landed. */
  upload_complete_schema: UPLOAD_COMPLETE_JSON_SCHEMA,
  rules: {
    id_pattern: ID_PATTERN,
    price_pattern: PRICE_PATTERN,
    event_time_pattern: EVENT_TIME_PATTERN,
    event_time_range: EVENT_TIME_RANGE,
    event_time_examples: { now: EXAMPLES_NOW, examples: EVENT_TIME_EXAMPLES },
    required_fields: REQUIRED_FIELDS,
    id_fields: ID_FIELDS,
    text_fields: TEXT_FIELDS,
    control_character_pattern: CONTROL_CHARACTER_PATTERN,
    line_reject_reasons: LINE_REJECT_REASONS,
    field_reject_reasons: FIELD_REJECT_REASONS,
    upload_reject_reasons: UPLOAD_REJECT_REASONS,
    example_row: EXAMPLE_ROW,
    examples: RULE_EXAMPLES,
  },
  topic: TOPIC,
  firehose_buffer: FIREHOSE_BUFFER,
  lake: LAKE,
  curated_partition: CURATED_PARTITION,
  analytics_documents: ANALYTICS_DOCUMENTS,
  serving_table: SERVING_TABLE,
  als_defaults: ALS_DEFAULTS,
  recommender: { generators: RECOMMENDER_GENERATORS, models: RECOMMENDER_MODELS, similar_per_product: SIMILAR_PER_PRODUCT },
  /** The step plan with `lake_root` where the lake goes (the Spark tests run it on a local folder). */
  spark_packages: SPARK_PACKAGES,
  spark_plan: { lake_root: LAKE_ROOT_PLACEHOLDER, steps: sparkSteps((key) => `${LAKE_ROOT_PLACEHOLDER}/${key}`) },
  behaviour: {
    csv_columns: BEHAVIOUR_CSV_COLUMNS,
    event_version: BEHAVIOUR_EVENT_VERSION,
    event_types: BEHAVIOUR_EVENT_TYPES,
    event_fields: BEHAVIOUR_EVENT_JSON_SCHEMA.required,
    session_inactivity_seconds: SESSION_INACTIVITY_SECONDS,
    required_fields: BEHAVIOUR_REQUIRED_FIELDS,
    id_fields: BEHAVIOUR_ID_FIELDS,
    text_fields: BEHAVIOUR_TEXT_FIELDS,
    field_reject_reasons: BEHAVIOUR_FIELD_REJECT_REASONS,
    no_user_and_no_session: NO_USER_AND_NO_SESSION,
    lake: BEHAVIOUR_LAKE,
  },
  realtime: REALTIME,
});
