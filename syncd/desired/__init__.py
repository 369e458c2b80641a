"""Pure: resolves a normalized config against the guide catalog into the desired state of
each instance, with diagnostics. No I/O, no clock, no HTTP."""
