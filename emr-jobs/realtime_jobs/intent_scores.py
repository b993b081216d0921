"""Live purchase-intent and cart-abandonment scores: the served models (models/intent/history.json's `served_run`
and `served_abandonment_run`) applied to the open sessions, on the driver's Spark session, with the batch's own
feature function.

The features are behaviour_jobs/intent_features.py's `prefix_features` - the function the batch trains and
evaluates on - run on a small DataFrame of the held sessions' events so far (intent_state.py), so live and
batch cannot drift apart; the user-history pair comes from intent_state.history. Intent scores every open
session that has not bought; abandonment scores those of them that hold a cart (P(purchase in the session)).
Each model is the batch's PipelineModel, loaded when the job starts and again whenever its served run changes
(history.json is read every batch, one small GET). A session is scored again only when its inputs changed;
with no served model there are no scores, and the view says why."""
from pyspark.ml import PipelineModel
from pyspark.sql import functions as F

from behaviour_jobs import intent_registry
from behaviour_jobs.contract import LAKE as BEHAVIOUR_LAKE
from behaviour_jobs.events import PRICE_TYPE
from behaviour_jobs.intent_features import FEATURES, prefix_features

from . import intent_state

EVENT_COLUMNS = "session_id string, user_id string, event_type string, ts long, product_id string, category_id string, brand string, price string"
HISTORY_COLUMNS = "session_id string, earlier_sessions double, earlier_purchasing_sessions double"
NO_HISTORY = (0, 0)
# Which open sessions each served task scores.
CANDIDATES = {"intent": intent_state.open_undecided, "abandonment": intent_state.open_carts}


def no_model(task):
    return "no %s model is served yet (%s %s)" % (task, BEHAVIOUR_LAKE["intentHistoryKey"], intent_registry.SERVED_KEY[task])


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
    return prefix_features(events).join(earlier, "session_id").select("session_id", *FEATURES)


def probabilities(model, features_frame):
    """session -> P(purchase), the model's probability of the positive class (what the batch's metrics score)."""
    return {r.session_id: float(r.probability[1]) for r in model.transform(features_frame).select("session_id", "probability").collect()}


class ServedModel:
    """One task's served model and the scores of its candidate sessions, keyed by what they were computed from."""

    def __init__(self, task, lake, log):
        self.task, self.lake, self.log = task, lake, log
        self.run_id, self.model, self.unavailable = None, None, no_model(task)
        self.scores = {}  # session -> (inputs, score)

    def refresh(self, history, unreadable):
        """Loads the served run when it differs from the loaded one. A run that cannot be read is reported, never guessed at."""
        served = None if history is None else history.get(intent_registry.SERVED_KEY[self.task])
        if served is not None and served == self.run_id:
            return
        self.scores = {}
        self.run_id, self.model, self.unavailable = None, None, unreadable or no_model(self.task)
        if served is None:
            return
        path = intent_registry.model_path(self.lake, served, self.task)
        try:
            self.model = PipelineModel.load(path)
            self.run_id, self.unavailable = served, None
            self.log("%s model of run %s loaded" % (self.task, served))
        except Exception as error:  # noqa: BLE001 - a served run without its model files: said in the view
            self.unavailable = "served run %s has no readable %s model at %s: %s" % (served, self.task, path, str(error).splitlines()[0])
            self.log("WARNING " + self.unavailable)

    def candidates(self, state, as_of_ms, active_ms):
        return CANDIDATES[self.task](state, as_of_ms, active_ms) if self.model is not None and as_of_ms is not None else {}

    def view(self, by_session):
        return {"run": self.run_id, "unavailable": self.unavailable, "by_session": by_session}

    def current(self, state, as_of_ms, active_ms):
        candidates = self.candidates(state, as_of_ms, active_ms)
        return self.view({s: v[1] for s, v in self.scores.items() if s in candidates})

    def stale(self, state, as_of_ms, active_ms, history):
        """Drops scores of sessions no longer candidates or whose inputs changed; returns (candidates to score, their inputs)."""
        candidates = self.candidates(state, as_of_ms, active_ms)
        inputs = {s: (tuple(map(tuple, p["prefix"])), history.get(s, NO_HISTORY)) for s, p in candidates.items()}
        self.scores = {s: v for s, v in self.scores.items() if s in candidates and v[0] == inputs[s]}
        return {s: candidates[s] for s in candidates if s not in self.scores}, inputs


class LiveScorer:
    """The served intent and abandonment models; `update` scores what changed, `current` repeats the last scores.
    Both return the view's `scores` argument: intent's {"run", "unavailable", "by_session"} with abandonment's
    under "abandonment"."""

    def __init__(self, spark, lake, store, log):
        self.spark, self.store = spark, store
        self.models = {task: ServedModel(task, lake, log) for task in CANDIDATES}

    def refresh_model(self):
        try:
            history, unreadable = self.store.get(BEHAVIOUR_LAKE["intentHistoryKey"]), None
        except Exception as error:  # noqa: BLE001 - e.g. no read right on models/: said in the view, the stream goes on
            history, unreadable = None, "cannot read %s: %s" % (BEHAVIOUR_LAKE["intentHistoryKey"], str(error).splitlines()[0])
        for served in self.models.values():
            served.refresh(history, unreadable)

    def _views(self, by_task):
        return {**by_task["intent"], "abandonment": by_task["abandonment"]}

    def current(self, state, as_of_ms, active_ms):
        """The scores before this batch's changed sessions are scored again (no Spark job): the last score of every
        session still a candidate. The view written with them shows a batch's counts without waiting for the models."""
        return self._views({task: served.current(state, as_of_ms, active_ms) for task, served in self.models.items()})

    def update(self, state, as_of_ms, active_ms):
        """Scores the candidate sessions whose inputs changed, features computed once for both models."""
        self.refresh_model()
        if all(served.model is None for served in self.models.values()):
            return self._views({task: served.view({}) for task, served in self.models.items()})  # nothing to score: no pass over the state
        history = intent_state.history(state)
        stale = {task: served.stale(state, as_of_ms, active_ms, history) for task, served in self.models.items()}
        union = {s: p for parts, _ in stale.values() for s, p in parts.items()}
        frame = features(self.spark, union, history).persist() if union else None
        for task, (parts, inputs) in stale.items():
            served = self.models[task]
            if parts:
                for session, p in probabilities(served.model, frame.filter(F.col("session_id").isin(list(parts)))).items():
                    served.scores[session] = (inputs[session], p)
        if frame is not None:
            frame.unpersist()
        return self._views({task: served.view({s: v[1] for s, v in served.scores.items()}) for task, served in self.models.items()})
