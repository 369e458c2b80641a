"""`syncd run`: the long-lived in-cluster daemon.

`runtime` assembles it (signals, scheduler, config watcher, HTTP server); `cycle` runs one sync
(or only plans it, in plan-only mode) and describes it in a `report`, which `notify` turns into
at most one notification; `drift` decides what counts as drift; `reload` fingerprints and
re-reads the config; `schedule` turns the config's schedule into an apscheduler trigger;
`server`, `page`, `metrics` and `status` serve what the daemon knows.
"""
