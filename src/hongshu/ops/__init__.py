"""What an operator needs from a running instance: health probes, Prometheus metrics, structured logs and
error tracking (docs/operations.md#health-metrics-and-logs). An adapter, beside api/ and web/."""
