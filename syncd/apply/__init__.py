"""Executing a plan's changes against the servers, in dependency order, stopping an
instance at its first failed write."""
