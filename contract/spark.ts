import {
  BEHAVIOUR_CSV_COLUMNS,
  BEHAVIOUR_EVENT_JSON_SCHEMA,
  BEHAVIOUR_EVENT_TYPES,
  BEHAVIOUR_EVENT_VERSION,
  BEHAVIOUR_LAKE,
  SESSION_INACTIVITY_SECONDS,
} from './behaviour-event';
import { ANALYTICS_DOCUMENTS, LAKE } from './lake';
import { CSV_COLUMNS, PURCHASE_EVENT_JSON_SCHEMA, PURCHASE_EVENT_VERSION } from './purchase-event';
import { SERVING_TABLE } from './serving';
import { FIREHOSE_BUFFER, TOPIC } from './streaming';

/** The facts the Spark jobs read, as emr-jobs/recstream_jobs/contract.json (`npm run contract`). */
export const sparkContract = () => ({
  generated_from: 'contract/',
  csv_columns: CSV_COLUMNS,
  purchase_event_version: PURCHASE_EVENT_VERSION,
  purchase_event_fields: PURCHASE_EVENT_JSON_SCHEMA.required,
  topic: TOPIC,
  firehose_buffer: FIREHOSE_BUFFER,
  lake: LAKE,
  analytics_documents: ANALYTICS_DOCUMENTS,
  serving_table: SERVING_TABLE,
  behaviour: {
    csv_columns: BEHAVIOUR_CSV_COLUMNS,
    event_version: BEHAVIOUR_EVENT_VERSION,
    event_types: BEHAVIOUR_EVENT_TYPES,
    event_fields: BEHAVIOUR_EVENT_JSON_SCHEMA.required,
    session_inactivity_seconds: SESSION_INACTIVITY_SECONDS,
    lake: BEHAVIOUR_LAKE,
  },
});
