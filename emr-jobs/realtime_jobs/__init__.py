"""The real-time path (issue 16): one Spark Structured Streaming query over the `events` and
`purchases` topics that keeps a live view (per-minute counts, funnel, active sessions, trending)
with exactly-once totals across restarts. See stream.py."""
