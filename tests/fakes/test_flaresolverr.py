"""The simulated FlareSolverr/Byparr: FlareSolverr's commands, messages and status codes."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from syncd.simulator.flaresolverr import SimulatedFlareSolverr


@pytest.fixture
def solver() -> Iterator[SimulatedFlareSolverr]:
    with SimulatedFlareSolverr() as server:
        yield server


def test_health_and_greeting(solver: SimulatedFlareSolverr) -> None:
    assert httpx.get(f"{solver.url}/health").json() == {"status": "ok"}
    assert httpx.get(f"{solver.url}/").json()["msg"] == "FlareSolverr is ready!"
    with SimulatedFlareSolverr(flavour="byparr") as byparr:
        greeting = httpx.get(f"{byparr.url}/")
        assert (greeting.status_code, greeting.headers["Location"]) == (301, "/docs")


def test_a_get_is_solved(solver: SimulatedFlareSolverr) -> None:
    answer = httpx.post(
        f"{solver.url}/v1", json={"cmd": "request.get", "url": "https://example.org/", "maxTimeout": 60000}
    )
    body = answer.json()
    assert (answer.status_code, body["status"], body["solution"]["status"]) == (200, "ok", 200)
    assert body["solution"]["url"] == "https://example.org/" and body["version"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Error: Request parameter 'cmd' is mandatory."),
        ({"cmd": "request.get"}, "Error: Request parameter 'url' is mandatory in 'request.get' command."),
        (
            {"cmd": "request.get", "url": "https://x", "postData": "a=b"},
            "Error: Cannot use 'postBody' when sending a GET request.",
        ),
        (
            {"cmd": "request.post", "url": "https://x"},
            "Error: Request parameter 'postData' is mandatory in 'request.post' command.",
        ),
        ({"cmd": "request.put"}, "Error: Request parameter 'cmd' = 'request.put' is invalid."),
        ({"cmd": "sessions.destroy", "session": "nope"}, "Error: The session doesn't exist."),
    ],
)
def test_bad_commands_are_500_with_flaresolverrs_message(
    solver: SimulatedFlareSolverr, body: dict[str, str], message: str
) -> None:
    answer = httpx.post(f"{solver.url}/v1", json=body)
    assert (answer.status_code, answer.json()["status"], answer.json()["message"]) == (500, "error", message)


def test_sessions(solver: SimulatedFlareSolverr) -> None:
    created = httpx.post(f"{solver.url}/v1", json={"cmd": "sessions.create", "session": "s1"}).json()
    assert created["message"] == "Session created successfully."
    again = httpx.post(f"{solver.url}/v1", json={"cmd": "sessions.create", "session": "s1"}).json()
    assert again["message"] == "Session already exists."
    assert httpx.post(f"{solver.url}/v1", json={"cmd": "sessions.list"}).json()["sessions"] == ["s1"]
    assert (
        httpx.post(f"{solver.url}/v1", json={"cmd": "sessions.destroy", "session": "s1"}).status_code == 200
    )


def test_an_unsolvable_challenge_times_out(solver: SimulatedFlareSolverr) -> None:
    solver.fail_next(1)
    answer = httpx.post(
        f"{solver.url}/v1", json={"cmd": "request.get", "url": "https://x", "maxTimeout": 5000}
    )
    assert (answer.status_code, answer.json()["message"]) == (
        500,
        "Error: Error solving the challenge. Timeout after 5.0 seconds.",
    )
