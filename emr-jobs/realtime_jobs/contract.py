"""The real-time facts of contract/realtime.ts, from the generated contract.json."""
from recstream_jobs.contract import CONTRACT

REALTIME = CONTRACT["realtime"]
LAKE = REALTIME["lake"]
EVENT_TYPES = tuple(CONTRACT["behaviour"]["event_types"])
EVENTS_TOPIC, PURCHASES_TOPIC = REALTIME["topics"]
