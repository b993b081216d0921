"""Live intent and abandonment scores: the streaming job's features of each open session equal the batch's
prefix features (the one function training uses) of the same session cut after its last event so far, and its
scores equal the served batch models' probabilities for them (abandonment: the open sessions with a cart);
with no served model (or an unreadable one) there are no scores and the view says why; a batch's counts are
written before its changed sessions are scored."""
import datetime
import json
import os
import random

from behaviour_jobs import events as ev
from pyspark.sql import functions as F

from behaviour_jobs import intent, intent_registry, sessions
from behaviour_jobs.contract import LAKE as BEHAVIOUR_LAKE
from behaviour_jobs.intent_features import FEATURES, positioned, prefix_features, task_dataset, with_user_history
from realtime_jobs import intent_scores, intent_state, live, partials, stream
from realtime_jobs.contract import LAKE, REALTIME
from realtime_jobs.store import LocalStore

T0 = datetime.datetime(2019, 10, 1, 10, 0, 0)
PRODUCTS = [str(p) for p in range(1, 25)]
CATEGORIES = ["2053013555631882655", "2053013563810775923", None]


def event(seconds, kind, product, user, session, price="10.00", brand="acme", category=CATEGORIES[0]):
    return {
        "v": 1,
        "event_time": (T0 + datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "event_type": kind,
        "product_id": product,
        "category_id": category,
        "category_code": None if category is None else "electronics.phone",
        "brand": brand,
        "price": price,
        "user_id": user,
        "user_session": session,
        "source": "test.csv",
        "line": None,
    }


def store_events(seed=16):
    """Three hours of sessions by 40 users (so users have earlier and buying sessions), plus the cases the live
    state must get right: a tracker session resumed after 31 minutes (a new session), a session without a
    tracker id, views after a cart (not features), a re-delivered event (once), and a session still open that bought."""
    rng = random.Random(seed)
    rows = []
    for i in range(220):
        start, user, session = i * 50, str(100 + (i * 7) % 40), "s%d" % i
        t = start
        for _ in range(1 + min(7, int(rng.expovariate(0.35)))):
            product = rng.choice(PRODUCTS)
            rows.append(event(t, "view", product, user, session, price="%.2f" % (3 + rng.random() * 90), brand=rng.choice(["acme", None, "zeta"]), category=rng.choice(CATEGORIES)))
            t += rng.randrange(5, 90)
        if rng.random() < 0.3:
            rows.append(event(t, "cart", product, user, session))
            rows.append(event(t + 20, "view", rng.choice(PRODUCTS), user, session, price="999.00"))
            if rng.random() < 0.5:
                rows.append(event(t + 40, "purchase", product, user, session))
    end = 220 * 50
    rows += [
        event(60, "view", "1", "900", "resumed", price="5.00"),
        event(end - 200, "view", "2", "900", "resumed", price="7.50"),  # 3 h later: the batch's resumed#2
        event(end - 100, "view", "3", "900", "resumed", price="8.25", brand=None),
        event(end - 300, "view", "4", "901", None),
        event(end - 250, "view", "4", "901", None),
        event(end - 150, "view", "5", "901", None, category=None),
    ]
    rows.append(dict(rows[-2]))  # a re-delivered event counts once
    return sorted(rows, key=lambda r: r["event_time"])


def epoch_ms(seconds):
    return int((T0 + datetime.timedelta(seconds=seconds)).replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)


def kafka_batch(spark, rows, first_offset):
    values = [("events", 0, first_offset + i, T0, json.dumps(r).encode()) for i, r in enumerate(rows)]
    return spark.createDataFrame(values, "topic string, partition int, offset long, timestamp timestamp, value binary")


def live_state(spark, rows, batches=3):
    """The rows through the streaming job's path in `batches` micro-batches, the state round-tripped through JSON as the store keeps it."""
    state = live.empty_state()
    size = -(-len(rows) // batches)
    for b in range(batches):
        chunk = rows[b * size : (b + 1) * size]
        state = json.loads(json.dumps(live.fold(state, partials.collect(partials.keyed_rows(kafka_batch(spark, chunk, b * size)), b))))
    return state


def batch_frames(spark, rows):
    """The session table, the batch's training rows (one drawn cut per session), and every session's features cut
    after its last event before its first purchase: where the live scorer stands on an open, undecided session."""
    events = sessions.sessionize(ev.good_events(ev.checked(spark.createDataFrame([tuple(r.get(f.name) for f in ev.RAW_SCHEMA.fields) for r in rows], ev.RAW_SCHEMA))))
    table = sessions.session_table(events)
    so_far = positioned(events).filter(F.col("position") <= F.coalesce(F.col("first_purchase") - 1, F.col("n")))
    return table, task_dataset(events, table, "intent"), with_user_history(prefix_features(so_far), table)


def serve(spark, lake, dataset, run_id="run-1"):
    """Models fitted by the batch's own pipeline (intent; abandonment on the rows with a cart), saved where the
    registry keeps them and named served in history.json."""
    model = intent.pipeline("logistic_regression", {"regParam": 0.01}, 42).fit(dataset)
    model.write().overwrite().save(intent_registry.model_path(lake, run_id, "intent"))
    carts = intent.pipeline("gradient_boosted_trees", {"maxDepth": 3, "maxIter": 5}, 42).fit(dataset.filter(F.col("carts") > 0))
    carts.write().overwrite().save(intent_registry.model_path(lake, run_id, "abandonment"))
    LocalStore(lake).put(BEHAVIOUR_LAKE["intentHistoryKey"], {"served_run": run_id, "served_abandonment_run": run_id, "runs": []})
    return model, carts


def batch_id_of(live_key, table_rows):
    """The batch's id of a live session: the latest part of the same tracker (or user) key."""
    parts = [r for r in table_rows if r["session_id"].split("#")[0] == live_key]
    return max(parts, key=lambda r: r["start"])["session_id"]


def test_live_features_and_scores_equal_the_batch_models_on_the_same_events(spark, tmp_path):
    rows = store_events()
    table, dataset, so_far = batch_frames(spark, rows)
    lake = str(tmp_path)
    model, carts = serve(spark, lake, dataset)
    state = live_state(spark, rows)
    scorer = intent_scores.LiveScorer(spark, lake, LocalStore(lake), log=lambda _: None)
    scores = scorer.update(state, state["as_of_ms"], live.ACTIVE_MS)
    assert scores["run"] == "run-1" and scores["unavailable"] is None

    # Which sessions: the batch's sessions still open at the latest event (last event within 30 minutes), not bought, with features.
    table_rows = [r.asDict() for r in table.collect()]
    featured = {r["session_id"]: r.asDict() for r in so_far.collect()}
    as_of = max(r["end"] for r in table_rows)
    expected = {r["session_id"] for r in table_rows if (as_of - r["end"]).total_seconds() < 30 * 60 and r["purchases"] == 0 and r["session_id"] in featured}
    by_batch_id = {batch_id_of(k, table_rows): k for k in scores["by_session"]}
    assert set(by_batch_id) == expected
    # The user's first inactivity-cut session, whatever the batch names it after the "#" (an ordinal or its start).
    assert "resumed#2" in expected and any(s.startswith("user:901#") for s in expected)
    assert any(featured[b]["carts"] > 0 and featured[b]["views"] > 1 for b in expected), "some open session holds a cart"

    # The same features, as the batch computes them.
    candidates = intent_state.open_undecided(state, state["as_of_ms"], live.ACTIVE_MS)
    live_features = {r["session_id"]: r.asDict() for r in intent_scores.features(spark, candidates, intent_state.history(state)).collect()}
    assert any(live_features[k]["earlier_purchasing_sessions"] > 0 for k in live_features)
    for batch_id, key in by_batch_id.items():
        assert {f: live_features[key][f] for f in FEATURES} == {f: featured[batch_id][f] for f in FEATURES}, batch_id

    # The same score: the batch model's probability of a purchase for those features.
    batch_scores = {r.session_id: float(r.probability[1]) for r in model.transform(so_far).select("session_id", "probability").collect()}
    assert {key: scores["by_session"][key] for key in by_batch_id.values()} == {key: batch_scores[b] for b, key in by_batch_id.items()}
    assert len(set(scores["by_session"].values())) > 1

    # Abandonment: the open sessions with a cart, scored by the served abandonment model on the same features.
    cart_scores = {r.session_id: float(r.probability[1]) for r in carts.transform(so_far).select("session_id", "probability").collect()}
    with_cart = {b: key for b, key in by_batch_id.items() if featured[b]["carts"] > 0}
    assert with_cart and scores["abandonment"]["run"] == "run-1"
    assert scores["abandonment"]["by_session"] == {key: cart_scores[b] for b, key in with_cart.items()}
    at_risk = live.view(state, state["as_of_ms"], scores)["abandonment"]
    assert at_risk["scored_carts"] == len(with_cart)
    assert [c["buy_probability"] for c in at_risk["open_carts"]] == sorted(round(p, 6) for p in scores["abandonment"]["by_session"].values())[: len(at_risk["open_carts"])]

    # The view lists the best of them with what the page shows.
    view = live.view(state, state["as_of_ms"], scores)["intent"]
    assert view["model_run"] == "run-1" and view["scored_sessions"] == len(expected)
    listed = view["likely_buyers"]
    assert len(listed) == min(REALTIME["likelyBuyersTop"], len(expected))
    assert [b["score"] for b in listed] == sorted((round(p, 6) for p in scores["by_session"].values()), reverse=True)[: len(listed)]
    resumed = state["intent_sessions"]["resumed"]
    assert (resumed["events"], resumed["user"], resumed["start"]) == (2, "900", epoch_ms(220 * 50 - 200))
    assert state["intent_sessions"]["user:901"]["events"] == 3  # the re-delivered event once


def test_without_a_served_model_there_are_no_scores_and_the_view_says_why(spark, tmp_path):
    lake = str(tmp_path)
    rows = store_events()[-40:]
    state = live_state(spark, rows, batches=1)
    scorer = intent_scores.LiveScorer(spark, lake, LocalStore(lake), log=lambda _: None)
    none_served = live.view(state, state["as_of_ms"], scorer.update(state, state["as_of_ms"], live.ACTIVE_MS))["intent"]
    assert none_served == {"model_run": None, "unavailable": "no intent model is served yet (models/intent/history.json served_run)", "scored_sessions": 0, "likely_buyers": []}

    # The served run changes to one whose model files are missing: said, and no scores from the old run.
    _, dataset, _ = batch_frames(spark, store_events())
    serve(spark, lake, dataset)
    assert scorer.update(state, state["as_of_ms"], live.ACTIVE_MS)["run"] == "run-1"
    LocalStore(lake).put(BEHAVIOUR_LAKE["intentHistoryKey"], {"served_run": "run-2", "runs": []})
    missing = live.view(state, state["as_of_ms"], scorer.update(state, state["as_of_ms"], live.ACTIVE_MS))["intent"]
    assert missing["model_run"] is None and missing["likely_buyers"] == []
    assert missing["unavailable"].startswith("served run run-2 has no readable intent model at ")


class RecordingStore(LocalStore):
    """A lake folder that also keeps every live view written to it, in order."""

    def __init__(self, root):
        super().__init__(root)
        self.views = []

    def put(self, key, document):
        super().put(key, document)
        if key == LAKE["liveKey"]:
            self.views.append(json.loads(json.dumps(document)))


def test_a_batchs_counts_are_in_the_live_view_before_its_changed_sessions_are_scored(spark, tmp_path):
    rows = store_events()
    _, dataset, _ = batch_frames(spark, rows)
    lake = str(tmp_path)
    serve(spark, lake, dataset)
    store = RecordingStore(lake)
    sink = stream.LiveSink(store, lambda _: None, intent_scores.LiveScorer(spark, lake, store, log=lambda _: None))
    half = len(rows) // 2
    sink(partials.keyed_rows(kafka_batch(spark, rows[:half], 0)), 0)
    after_first = {b["session_id"]: b["score"] for b in store.views[-1]["intent"]["likely_buyers"]}
    store.views.clear()
    sink(partials.keyed_rows(kafka_batch(spark, rows[half:], half)), 1)

    # Two writes: the counts with the scores as they stood, then the changed sessions scored.
    counts_first, scored = store.views
    assert counts_first["batch_id"] == scored["batch_id"] == 1
    assert sum(counts_first["totals"]["events"].values()) == len(rows)
    assert counts_first["totals"] == scored["totals"] and counts_first["offsets"] == scored["offsets"]
    earlier = counts_first["intent"]["likely_buyers"]
    assert all(b["session_id"] in after_first and b["score"] == after_first[b["session_id"]] for b in earlier), "the first write scores nothing anew"
    open_now = intent_state.open_undecided(sink.state, sink.state["as_of_ms"], live.ACTIVE_MS)
    assert all(b["session_id"] in open_now for b in earlier), "a session that bought or closed is not listed with its old score"

    # The second write has what a scorer that never saw the first batch gives on the same state.
    fresh = intent_scores.LiveScorer(spark, lake, LocalStore(lake), log=lambda _: None).update(sink.state, sink.state["as_of_ms"], live.ACTIVE_MS)
    assert scored["intent"] == live.view(sink.state, 0, fresh)["intent"]
    assert scored["intent"]["likely_buyers"] != earlier
