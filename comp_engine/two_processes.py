"""Two pieces of pure-Python work at once, on two cores: one here, one in a forked copy of this process.

A payout run reads and checks its deals on every core (Arrow and hashing release the GIL),
but computes its statements in Python, where threads take turns. `fork` gives the second
half of the statements a process of its own that starts with everything the run computed so
far, without copying it (pages are shared until written) and without pickling it: only the
second half's answer, plain values, comes back (through an unlinked temporary file rather
than a pipe, so that the child never waits for this process to read).

The child runs nothing but its piece of work and ends with `os._exit`: no `atexit`, no
flushing of this process's buffers, no finalisers. Where `fork` is missing, or only one
core is ours, both pieces run here one after the other, with the same results.
"""
from __future__ import annotations

import os
import pickle
import signal
import tempfile
import traceback
from collections.abc import Callable
from typing import TypeVar

Here = TypeVar("Here")
There = TypeVar("There")


class SecondProcessFailed(RuntimeError):
    """The forked process ended without an answer (killed, or its answer could not be sent)."""


def cores_available() -> int:
    """The cores this process may run on (its CPU affinity where the system says, else all)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def can_fork() -> bool:
    return hasattr(os, "fork") and cores_available() >= 2


def in_two_processes(here: Callable[[], Here], there: Callable[[], There]) -> tuple[Here, There]:
    """`(here(), there())`, with `there` run in a forked child while `here` runs in this process.

    An exception raised by `there` is raised here (as it was when it can be pickled, else as
    SecondProcessFailed with its traceback); if `here` raises, the child is killed and waited
    for first. `there()` must return something picklable."""
    if not can_fork():
        return here(), there()
    with tempfile.TemporaryFile() as answer:
        child = os.fork()
        if child == 0:  # pragma: no cover - the child's lines are measured in the parent's tests by their effects
            _answer_and_leave(there, answer)
        try:
            mine = here()
        except BaseException:
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)
            raise
        _, status = os.waitpid(child, 0)
        answer.seek(0)
        content = answer.read()
    if not content:
        how = (f"was killed by signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
               else f"ended with status {os.waitstatus_to_exitcode(status)}")
        raise SecondProcessFailed(f"the second process {how} without an answer")
    try:
        failed, value = pickle.loads(content)
    except Exception as error:  # noqa: BLE001 - e.g. an exception whose class cannot be rebuilt from its args
        raise SecondProcessFailed(f"the second process's answer could not be read: {error!r}") from None
    if failed:
        raise value
    return mine, value


def _answer_and_leave(there: Callable[[], object], answer: object) -> None:
    """In the child: run `there`, write (failed, value or exception) into `answer`, and end the process."""
    status = 0
    try:
        try:
            content = pickle.dumps((False, there()), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as error:  # noqa: BLE001 - every failure goes back to the parent
            status = 1
            try:
                content = pickle.dumps((True, error), protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # noqa: BLE001 - an exception that cannot be pickled goes back as its traceback
                content = pickle.dumps((True, SecondProcessFailed("".join(traceback.format_exception(error)))))
        answer.write(content)  # type: ignore[attr-defined]
        answer.flush()  # type: ignore[attr-defined]
    finally:
        os._exit(status)
