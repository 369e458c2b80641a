"""Tests of syncd.config: reading, detecting and normalizing config files."""
