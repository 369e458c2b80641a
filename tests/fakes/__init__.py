"""Test doubles: the OpenAPI request-body validator and tests of the simulated servers."""
