"""The HTTP routes of one provider collection, the same on every *arr server:
`GET|POST <prefix>`, `GET <prefix>/schema`, `GET|PUT|DELETE <prefix>/{id}`, `POST <prefix>/test`
and `POST <prefix>/testall`, with `?forceSave=` / `?forceTest=`. A write or test that needs its
connection test returns a `Deferred`, so the test runs without the server lock.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from syncd.simulator.api import Answer, Call, Deferred, Route, ok
from syncd.simulator.providers import ProviderCollection, Staged, verify
from syncd.simulator.rules import Failure

S = TypeVar("S")


def _saved(collection: ProviderCollection, staged: Staged, status: int) -> Answer | Deferred:
    def commit(failures: list[Failure]) -> Answer | Deferred:
        resource = collection.commit(staged, failures)
        work = collection.after_save(resource["id"], staged.creating)
        if work is None:
            return Answer(status, resource)
        return Deferred(work, lambda _: Answer(status, collection.get(resource["id"])))

    test = staged.test
    if test is None:
        return commit([])
    return Deferred(test, commit)


def _create(collection: ProviderCollection, call: Call) -> Answer | Deferred:
    return _saved(collection, collection.stage_create(call.body, force_save=call.flag("forceSave")), 201)


def _update(collection: ProviderCollection, call: Call) -> Answer | Deferred:
    staged = collection.stage_update(call.id, call.body, force_save=call.flag("forceSave"))
    if staged is None:
        return Answer(202, collection.get(call.id))
    return _saved(collection, staged, 202)


def _test(collection: ProviderCollection, call: Call) -> Answer | Deferred:
    staged = collection.stage_test(call.body, force_test=call.flag("forceTest"))
    test = staged.test
    if test is None:
        return ok({})

    def finish(failures: list[Failure]) -> Answer:
        verify(failures, include_warnings=True)
        return ok({})

    return Deferred(test, finish)


def _testall(collection: ProviderCollection, call: Call) -> Answer | Deferred:
    del call
    tests = collection.testall()

    def probe() -> list[tuple[int, list[Failure]]]:
        return [(provider_id, test()) for provider_id, test in tests]

    def finish(results: list[tuple[int, list[Failure]]]) -> Answer:
        body = [
            {
                "id": provider_id,
                "isValid": not any(not f.warning for f in failures),
                "validationFailures": [f.to_json() for f in failures],
            }
            for provider_id, failures in results
        ]
        return Answer(400 if any(not item["isValid"] for item in body) else 200, body)

    return Deferred(probe, finish)


def _deleted(collection: ProviderCollection, call: Call) -> Answer:
    collection.delete(call.id)
    return ok({})


def provider_routes(prefix: str, collection: Callable[[S], ProviderCollection]) -> list[Route[S]]:
    """The routes of the collection `collection(state)` under `prefix` (`/api/v3/downloadclient`)."""
    return [
        ("GET", prefix, lambda s, c: ok(collection(s).list_all())),
        ("POST", prefix, lambda s, c: _create(collection(s), c)),
        ("GET", f"{prefix}/schema", lambda s, c: ok(collection(s).schema())),
        ("POST", f"{prefix}/test", lambda s, c: _test(collection(s), c)),
        ("POST", f"{prefix}/testall", lambda s, c: _testall(collection(s), c)),
        ("GET", prefix + "/{id}", lambda s, c: ok(collection(s).get(c.id))),
        ("PUT", prefix + "/{id}", lambda s, c: _update(collection(s), c)),
        ("DELETE", prefix + "/{id}", lambda s, c: _deleted(collection(s), c)),
    ]
