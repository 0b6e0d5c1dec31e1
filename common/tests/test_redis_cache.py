"""The shared cache on Redis reuses one Redis client per connection pool (Django's own
backend builds one for every operation) and still reads, writes and expires as Django's."""

import threading
import time

from django.core.cache import cache


def test_every_operation_borrows_the_same_client_from_one_pool(redis_cache):
    backend = cache._cache  # type: ignore[attr-defined]
    first = backend.get_client(write=True)
    assert backend.get_client() is first
    assert backend.get_client("some-key", write=True) is first
    assert first.connection_pool is backend._get_connection_pool(True)


def test_the_reused_client_reads_writes_and_expires_like_djangos(redis_cache):
    cache.set("greeting", "hallo", timeout=1)
    cache.set_many({"a": 1, "b": [2, 3]})
    assert cache.get("greeting") == "hallo"
    assert cache.get_many(["a", "b", "missing"]) == {"a": 1, "b": [2, 3]}
    assert cache.incr("a") == 2
    cache.delete("b")
    assert cache.get("b") is None
    time.sleep(1.1)
    assert cache.get("greeting") is None


def test_threads_sharing_one_client_get_their_own_answers(redis_cache):
    """Django gives each thread a backend of its own; even one client shared by threads
    answers each its own key (a connection from the pool per command)."""
    cache.set_many({f"thread-{n}": n for n in range(8)})
    client = cache._cache.get_client()  # type: ignore[attr-defined]
    keys = {n: cache.make_and_validate_key(f"thread-{n}") for n in range(8)}
    serializer = cache._cache._serializer  # type: ignore[attr-defined]
    wrong: list[tuple[int, object]] = []

    def read(n: int) -> None:
        for _ in range(200):
            value = serializer.loads(client.get(keys[n]))
            if value != n:
                wrong.append((n, value))

    threads = [threading.Thread(target=read, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert wrong == []
