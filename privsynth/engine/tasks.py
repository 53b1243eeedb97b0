"""Run one function per partition on the cluster, in order, with progress and clean failures.

Task keys are `privsynth-<stage>-<run id>-<partition>`: explicit names, so no key is a hash of
the arguments (which carry data and, for keyed operators, a `SecretKey`). A library error raised
in a task (InputError naming a shard, PolicyError, ...) is re-raised as itself; a worker that
died `distributed.scheduler.allowed-failures` times on the same partition becomes an EngineError
(exit 2). Remaining tasks are cancelled before the error propagates, so nothing keeps writing.
"""

from __future__ import annotations

import secrets
from contextlib import closing
from typing import Any, Callable, Iterator, Optional, Sequence

from privsynth.engine.cluster import EngineError
from privsynth.errors import PrivsynthError

Progress = Optional[Callable[[str, int, int], None]]


def run_id() -> str:
    return secrets.token_hex(4)


def submit_parts(client, fn: Callable[..., Any], parts: Sequence[Any], *, stage: str, per_part: Optional[Sequence[dict]] = None,
                 priority: int = 0, **shared: Any) -> list:
    """One future per partition: `fn(part, **per_part[i], **shared)`, keyed `privsynth-<stage>-<run>-<i>`.
    `priority` is Dask's (higher runs first among the tasks ready on a worker).

    Arguments may be futures (the results of earlier tasks): Dask passes their values and keeps
    their lineage, so a lost result is recomputed rather than failing the run."""
    rid = run_id()
    futures = []
    for i, part in enumerate(parts):
        kw = dict(shared)
        if per_part is not None:
            kw.update(per_part[i])
        futures.append(client.submit(fn, part, key=f"privsynth-{stage}-{rid}-{i}", pure=False, priority=priority, **kw))
    return futures


def submit_one(client, fn: Callable[..., Any], *args: Any, stage: str, **kwargs: Any):
    """One named task (a reduction over earlier futures, for instance)."""
    return client.submit(fn, *args, key=f"privsynth-{stage}-{run_id()}-0", pure=False, **kwargs)


def _completed(client, futures: list, *, stage: str, progress: Progress = None) -> Iterator[tuple[int, Any]]:
    """(index, result) of each future as it completes, with progress; on an error, or when the consumer
    stops early (GeneratorExit, KeyboardInterrupt), the remaining tasks are cancelled. A lost worker or
    scheduler becomes an EngineError (`engine_error`)."""
    from distributed import as_completed

    index = {f.key: i for i, f in enumerate(futures)}
    done = 0
    try:
        for fut in as_completed(futures, loop=client.loop):
            res = fut.result()
            fut.release()
            done += 1
            if progress:
                progress(stage, done, len(futures))
            yield index[fut.key], res
    except PrivsynthError:
        client.cancel(futures)
        raise
    except Exception as e:
        client.cancel(futures)
        raise engine_error(e, stage) from None
    except BaseException:  # GeneratorExit (the consumer stopped), KeyboardInterrupt
        client.cancel(futures)
        raise


def collect(client, futures: Sequence[Any], *, stage: str, progress: Progress = None, on_result: Optional[Callable[[int, Any], None]] = None) -> list[Any]:
    """The futures' results in order (as `map_parts`), with its progress and error handling."""
    futures = list(futures)
    out: list[Any] = [None] * len(futures)
    with closing(_completed(client, futures, stage=stage, progress=progress)) as results:
        for i, res in results:
            if on_result is not None:
                try:
                    on_result(i, res)
                except PrivsynthError:
                    raise
                except Exception as e:  # as for a task's own error: a lost worker is an EngineError
                    raise engine_error(e, stage) from None
            else:
                out[i] = res
    return out


def iter_in_order(client, futures: Sequence[Any], *, stage: str, progress: Progress = None) -> Iterator[Any]:
    """The futures' results in order, each yielded as soon as it and all before it are done (the
    driver holds only results that finished ahead of their turn); errors as in `collect`. Closing
    the iterator early cancels the remaining tasks."""
    futures = list(futures)
    early: dict[int, Any] = {}
    nxt = 0
    with closing(_completed(client, futures, stage=stage, progress=progress)) as results:
        for i, res in results:
            early[i] = res
            while nxt in early:
                yield early.pop(nxt)
                nxt += 1


def engine_error(e: BaseException, stage: str) -> BaseException:
    """The EngineError (exit 2) for a lost worker or scheduler; `e` itself otherwise."""
    from distributed.client import FutureCancelledError
    from distributed.scheduler import KilledWorker

    if isinstance(e, KilledWorker):
        return EngineError(f"engine: a worker died while running a {stage} task, more often than distributed.scheduler.allowed-failures allows; no output written")
    if isinstance(e, FutureCancelledError):
        return EngineError(f"engine: a {stage} task was cancelled (a worker died or the scheduler went away); no output written")
    if isinstance(e, (OSError, TimeoutError)) and "connect" in str(e).lower():
        return EngineError(f"engine: lost the connection to the scheduler during {stage}")
    return e


def map_parts(client, fn: Callable[..., Any], parts: Sequence[Any], *, stage: str, progress: Progress = None,
              per_part: Optional[Sequence[dict]] = None, on_result: Optional[Callable[[int, Any], None]] = None, **shared: Any) -> list[Any]:
    """`[fn(part, **per_part[i], **shared) for part in parts]` on the cluster; results in partition order.

    `on_result(i, result)` is called as results arrive (then the result is not kept: the returned
    list holds None there), which keeps the driver's memory bounded for large partial results.
    """
    futures = submit_parts(client, fn, parts, stage=stage, per_part=per_part, **shared)
    return collect(client, futures, stage=stage, progress=progress, on_result=on_result)
