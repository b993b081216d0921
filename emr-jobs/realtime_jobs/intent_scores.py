"""Live purchase-intent scores: the served intent model (models/intent/history.json's `served_run`) applied
to the open sessions, on the driver's Spark session, with the batch's own feature code.

The features are behaviour_jobs/intent_features.py's `session_features` run on a small DataFrame of
the held sessions' events before their cut (intent_state.py), so live and batch cannot drift apart;
the user-history pair comes from intent_state.history. The model is the batch's PipelineModel, loaded
when the job starts and again whenever the served run changes (history.json is read every batch, one
small GET). A session is scored again only when its inputs changed; with no served model there are no
scores, and the view says why."""
from pyspark.ml import PipelineModel
from pyspark.sql import functions as F

from behaviour_jobs import intent_registry
from behaviour_jobs.contract import LAKE as BEHAVIOUR_LAKE
from behaviour_jobs.events import PRICE_TYPE
from behaviour_jobs.intent_features import FEATURES, session_features

from . import intent_state

EVENT_COLUMNS = "session_id string, user_id string, event_type string, ts long, product_id string, category_id string, brand string, price string"
HISTORY_COLUMNS = "session_id string, earlier_sessions double, earlier_purchasing_sessions double"
NO_MODEL = "no intent model is served yet (%s)" % BEHAVIOUR_LAKE["intentHistoryKey"]
NO_HISTORY = (0, 0)


def features(spark, parts, history):
    """session_id + FEATURES of the given held sessions ({key: part}), computed as the batch computes them."""
    rows = [(s, p["user"], r[1], r[0] // 1000, r[2], r[3], r[5], r[6]) for s, p in parts.items() for r in p["prefix"]]
    # A few thousand rows: one task, not one per core (each task is a fixed cost on the micro-batch's clock).
    one_task = lambda data: spark.sparkContext.parallelize(data, 1)  # noqa: E731
    events = spark.createDataFrame(one_task(rows), EVENT_COLUMNS).select(
        "session_id",
        "user_id",
        "event_type",
        F.col("ts").cast("timestamp").alias("event_ts"),
        "product_id",
        "category_id",
        "brand",
        F.col("price").cast(PRICE_TYPE).alias("price"),
    )
    earlier_rows = [(s, *map(float, history.get(s, NO_HISTORY))) for s in parts]
    earlier = spark.createDataFrame(one_task(earlier_rows), HISTORY_COLUMNS)
    return session_features(events).join(earlier, "session_id").select("session_id", *FEATURES)


def probabilities(model, features_frame):
    """session -> P(purchase), the model's probability of the positive class (what the batch's metrics score)."""
    return {r.session_id: float(r.probability[1]) for r in model.transform(features_frame).select("session_id", "probability").collect()}


class LiveScorer:
    """Holds the served model and the scores of open, undecided sessions, keyed by what they were computed from."""

    def __init__(self, spark, lake, store, log):
        self.spark, self.lake, self.store, self.log = spark, lake, store, log
        self.run_id, self.model, self.unavailable = None, None, NO_MODEL
        self.scores = {}  # session -> (inputs, score)

    def refresh_model(self):
        """Loads the served run when it differs from the loaded one. A run that cannot be read is reported, never guessed at."""
        try:
            served = (self.store.get(BEHAVIOUR_LAKE["intentHistoryKey"]) or {}).get("served_run")
        except Exception as error:  # noqa: BLE001 - e.g. no read right on models/: said in the view, the stream goes on
            served, reason = None, "cannot read %s: %s" % (BEHAVIOUR_LAKE["intentHistoryKey"], str(error).splitlines()[0])
        else:
            reason = NO_MODEL
        if served is not None and served == self.run_id:
            return
        self.scores = {}
        self.run_id, self.model, self.unavailable = None, None, reason
        if served is None:
            return
        path = intent_registry.run_prefix(self.lake, served) + "model"
        try:
            self.model = PipelineModel.load(path)
            self.run_id, self.unavailable = served, None
            self.log("intent model of run %s loaded" % served)
        except Exception as error:  # noqa: BLE001 - a served run without its model files: said in the view
            self.unavailable = "served run %s has no readable model at %s: %s" % (served, path, str(error).splitlines()[0])
            self.log("WARNING " + self.unavailable)

    def _candidates(self, state, as_of_ms, active_ms):
        return intent_state.open_undecided(state, as_of_ms, active_ms) if self.model is not None and as_of_ms is not None else {}

    def _view(self, by_session):
        return {"run": self.run_id, "unavailable": self.unavailable, "by_session": by_session}

    def current(self, state, as_of_ms, active_ms):
        """The scores before this batch's changed sessions are scored again (no Spark job): the last score of every
        session still open and undecided. The view written with them shows a batch's counts without waiting for the model."""
        candidates = self._candidates(state, as_of_ms, active_ms)
        return self._view({s: v[1] for s, v in self.scores.items() if s in candidates})

    def update(self, state, as_of_ms, active_ms):
        """Scores the open, undecided sessions whose inputs changed; returns the view's `scores` argument."""
        self.refresh_model()
        candidates = self._candidates(state, as_of_ms, active_ms)
        if not candidates:
            self.scores = {}
            return self._view({})
        history = intent_state.history(state)
        inputs = {s: (tuple(map(tuple, p["prefix"])), history.get(s, NO_HISTORY)) for s, p in candidates.items()}
        self.scores = {s: v for s, v in self.scores.items() if s in candidates and v[0] == inputs[s]}
        stale = {s: candidates[s] for s in candidates if s not in self.scores}
        if stale:
            for session, p in probabilities(self.model, features(self.spark, stale, history)).items():
                self.scores[session] = (inputs[session], p)
        return self._view({s: v[1] for s, v in self.scores.items()})
