"""Two pieces of work on two cores: the second one in a real forked process, its answer or its
failure brought back, and never a child left behind."""
import os
import signal
import time

import pytest

from comp_engine import two_processes
from comp_engine.errors import PayoutInputError, Problem
from comp_engine.two_processes import SecondProcessFailed, in_two_processes

def test_the_second_piece_runs_in_another_process_and_its_answer_comes_back():
    here, there = in_two_processes(lambda: ("here", os.getpid()), lambda: ("there", os.getpid(), list(range(5))))
    assert here == ("here", os.getpid())
    assert there[0] == "there" and there[2] == [0, 1, 2, 3, 4]
    assert there[1] != os.getpid()


def test_an_answer_larger_than_a_pipe_holds_comes_back_whole():
    # 4 MB is 64 times a Linux pipe's buffer: the child must not wait for this process to read
    text = "x" * (4 << 20)
    _, there = in_two_processes(lambda: time.sleep(0.2), lambda: text)
    assert there == text


def test_the_second_piece_s_exception_is_raised_here_as_it_was():
    problem = Problem("deals.csv", 3, "amount", "is not an amount")

    def refuse():
        raise PayoutInputError([problem])

    with pytest.raises(PayoutInputError) as raised:
        in_two_processes(lambda: None, refuse)
    assert raised.value.problems == (problem,) and str(raised.value) == str(PayoutInputError([problem]))


def test_an_exception_that_cannot_be_pickled_comes_back_with_its_traceback():
    class Local(Exception):  # a class defined in a function cannot be pickled
        pass

    def fail():
        raise Local("the reason, in words")

    with pytest.raises(SecondProcessFailed) as raised:
        in_two_processes(lambda: None, fail)
    assert "the reason, in words" in str(raised.value) and "Local" in str(raised.value)


def test_a_second_process_killed_without_an_answer_is_an_error_not_a_result():
    with pytest.raises(SecondProcessFailed, match="killed by signal 9"):
        in_two_processes(lambda: 1, lambda: os.kill(os.getpid(), signal.SIGKILL))


def test_when_this_side_fails_the_child_is_killed_and_reaped(tmp_path):
    pid_file = tmp_path / "child.pid"

    def wait_long():
        pid_file.write_text(str(os.getpid()))
        time.sleep(60)

    def fail_once_the_child_runs():
        for _ in range(500):
            if pid_file.exists() and pid_file.read_text():
                break
            time.sleep(0.01)
        raise ValueError("this side failed")

    started = time.monotonic()
    with pytest.raises(ValueError, match="this side failed"):
        in_two_processes(fail_once_the_child_runs, wait_long)
    assert time.monotonic() - started < 30  # it did not wait for the child's minute
    with pytest.raises(ChildProcessError):  # reaped: no child of this process is left, zombie or not
        os.waitpid(int(pid_file.read_text()), os.WNOHANG)


def test_without_fork_both_pieces_run_here_one_after_the_other(monkeypatch):
    monkeypatch.setattr(two_processes, "can_fork", lambda: False)
    order = []
    here, there = in_two_processes(lambda: order.append("here") or os.getpid(),
                                   lambda: order.append("there") or os.getpid())
    assert (here, there, order) == (os.getpid(), os.getpid(), ["here", "there"])
