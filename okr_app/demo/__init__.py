"""The demo company `cadence demo` loads: a believable revenue organisation mid-cycle.

Everything here is generated from a seed, so the same seed on the same day gives the same
company. `seed_organisation` is also what tests and benchmarks use to build large orgs fast.
Not a blueprint: it has no pages of its own.
"""
from okr_app.demo.seed import DEMO_PASSWORD, DemoCompany, seed_organisation

__all__ = ["DEMO_PASSWORD", "DemoCompany", "seed_organisation"]
