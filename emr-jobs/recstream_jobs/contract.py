"""The facts shared with the TypeScript side, read from the generated contract.json.

pkgutil reads package data from a directory and from the zip EMR gets via --py-files alike.
"""
import json
import pkgutil

CONTRACT = json.loads(pkgutil.get_data("recstream_jobs", "contract.json").decode("utf-8"))
LAKE = CONTRACT["lake"]
ANALYTICS_DOCUMENTS = tuple(CONTRACT["analytics_documents"])
SERVING_TABLE = CONTRACT["serving_table"]
TOP_K = SERVING_TABLE["topK"]
FALLBACK_USER_ID = SERVING_TABLE["fallbackUserId"]
PURCHASE_EVENT_SCHEMA = CONTRACT["purchase_event_schema"]
RULES = CONTRACT["rules"]
ALS_DEFAULTS = CONTRACT["als_defaults"]
