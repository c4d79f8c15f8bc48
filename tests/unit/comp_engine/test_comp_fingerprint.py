"""The run's fingerprint identifies its inputs: same bytes, same fingerprint."""
import hashlib
import shutil

import pytest

from comp_payout_builders import PayoutFiles, worked_example


def test_the_same_inputs_give_the_same_fingerprint_wherever_they_are(files, tmp_path):
    first = worked_example(files).run()
    copy = tmp_path.parent / (tmp_path.name + "-copy")
    shutil.copytree(tmp_path, copy)
    try:
        second = PayoutFiles(copy).run_as_written()
    finally:
        shutil.rmtree(copy)
    assert first.fingerprint == second.fingerprint
    assert len(first.fingerprint) == 64


@pytest.mark.parametrize("which", ["deals", "roster", "quotas", "plan"])
def test_changing_any_input_changes_the_fingerprint(files, which):
    before = worked_example(files).run().fingerprint
    path = {"deals": files.deals_path, "roster": files.roster_path, "quotas": files.quotas_path,
            "plan": files.plans_dir / "ae-80-20.toml"}[which]
    path.write_bytes(path.read_bytes() + b"\n")  # a trailing blank line: same payout, other bytes
    assert files.run_as_written().fingerprint != before


def test_each_input_is_listed_with_its_own_sha256(files):
    result = worked_example(files).run()
    assert [(f.role, f.path) for f in result.inputs] == [
        ("deals", str(files.deals_path)), ("roster", str(files.roster_path)), ("quotas", str(files.quotas_path)),
        ("plan", str(files.plans_dir / "ae-80-20.toml"))]
    assert result.inputs[0].sha256 == hashlib.sha256(files.deals_path.read_bytes()).hexdigest()
