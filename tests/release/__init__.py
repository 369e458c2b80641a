"""Tests of what a release ships: the workflow, the version agreement and the housekeeping files."""
