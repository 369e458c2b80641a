"""Tests of the standalone syncd chart (charts/syncd)."""
