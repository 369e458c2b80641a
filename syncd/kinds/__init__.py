"""Resource kinds: one pure module per kind of server object, listed in `registry`.

`base` defines what a kind declares; the generic engine (`syncd.plan.engine`,
`syncd.apply.engine`) does the rest. No I/O happens in this package."""
