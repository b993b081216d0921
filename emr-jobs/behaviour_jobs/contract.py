"""The behaviour facts of contract/behaviour-event.ts, from the generated contract.json."""
from recstream_jobs.contract import CONTRACT

BEHAVIOUR = CONTRACT["behaviour"]
LAKE = BEHAVIOUR["lake"]
EVENT_TYPES = tuple(BEHAVIOUR["event_types"])
SESSION_INACTIVITY_SECONDS = BEHAVIOUR["session_inactivity_seconds"]
