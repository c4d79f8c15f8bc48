"""The cycle collector is paused while a payout computes and comes back exactly as it was."""
import gc
import threading
from pathlib import Path

import pytest

import comp_engine.run as run_module
from comp_engine import PayoutInputError, run_payout
from comp_engine.collector import cycle_collection_paused

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
PLANS = EXAMPLES.parent / "plans"


@pytest.fixture(autouse=True)
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def run_examples(deals: Path = EXAMPLES / "deals.csv"):
    return run_payout("2026-Q2", deals, EXAMPLES / "roster.csv", EXAMPLES / "quotas.csv", PLANS)


def test_a_run_computes_with_the_collector_off_and_turns_it_back_on(monkeypatch):
    seen = []
    compute = run_module.compute_payout

    def watched(*args):
        seen.append(gc.isenabled())
        return compute(*args)

    monkeypatch.setattr(run_module, "compute_payout", watched)
    assert run_examples().statements
    assert seen == [False]
    assert gc.isenabled()


def test_a_refused_run_turns_the_collector_back_on(tmp_path):
    broken = tmp_path / "deals.csv"
    broken.write_text("deal_id,account_id,rep_id,type,amount,close_date\nD1,A1,ae01,new,-5,2026-04-02\n")
    with pytest.raises(PayoutInputError):
        run_examples(broken)
    assert gc.isenabled()


def test_a_caller_that_turned_the_collector_off_keeps_it_off():
    gc.disable()
    run_examples()
    assert not gc.isenabled()


def test_overlapping_runs_share_one_pause_and_the_last_one_out_turns_it_back_on():
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    during: list[bool] = []

    def first() -> None:
        with cycle_collection_paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(5)
    with cycle_collection_paused():
        second_in.set()
        first_out.wait(5)
        during.append(gc.isenabled())  # the first run left; this one still computes
    thread.join(5)
    assert during == [False]
    assert gc.isenabled()
