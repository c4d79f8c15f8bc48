"""Locust users for `make loadtest`: each signs in with its own API token and checks in its key results.

Driven by bench/loadtest.py, which seeds the users file and reads the accepted count at the end.
"""
from __future__ import annotations

import itertools
import json
import os
import random

from locust import HttpUser, between, events, task

USERS = json.loads(open(os.environ["LOADTEST_USERS"]).read())
_next_user = itertools.count()
ACCEPTED = {"check_ins": 0}


class Employee(HttpUser):
    """One employee doing their weekly check-in, again and again, at a human-ish pace."""

    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        me = USERS[next(_next_user) % len(USERS)]
        self.headers = {"Authorization": f"Bearer {me['token']}"}
        self.krs = me["key_results"]
        self.week = me["week"]
        self.rng = random.Random(me["token"])

    def value_for(self, kr: dict) -> float:
        if kr["kind"] == "milestone":
            return float(self.rng.choice([0, 1]))
        low, high = sorted((kr["start"], kr["target"]))
        return round(self.rng.uniform(low, high), 1)

    @task(6)
    def check_in(self) -> None:
        kr = self.rng.choice(self.krs)
        body = {"value": self.value_for(kr), "confidence": self.rng.choice(["on_track", "at_risk"]),
                "note": "load test"}
        with self.client.post(f"/api/v1/key-results/{kr['id']}/check-ins", json=body, headers=self.headers,
                              name="POST check-in", catch_response=True) as response:
            if response.status_code == 201:
                ACCEPTED["check_ins"] += 1
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(1)
    def weekly_report(self) -> None:
        body = {"week": self.week, "progress": "Moved the numbers", "plans": "Keep going",
                "problems": "", "satisfaction": self.rng.randint(3, 5)}
        with self.client.post("/api/v1/weekly", json=body, headers=self.headers, name="POST weekly",
                              catch_response=True) as response:
            if response.status_code in (200, 201):
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(1)
    def read_tree(self) -> None:
        self.client.get(f"/api/v1/cycles/{USERS[0]['cycle_id']}/tree", headers=self.headers, name="GET tree")


@events.quitting.add_listener
def _write_result(environment, **_kwargs) -> None:
    """Counts and percentiles as locust finally saw them, plus the check-ins the server accepted."""
    rows = []
    for entry in [*environment.stats.entries.values(), environment.stats.total]:
        rows.append({"name": entry.name, "requests": entry.num_requests, "failures": entry.num_failures,
                     "rps": entry.total_rps, "p50": entry.get_response_time_percentile(0.5),
                     "p95": entry.get_response_time_percentile(0.95),
                     "p99": entry.get_response_time_percentile(0.99)})
    with open(os.environ["LOADTEST_RESULT"], "w") as out:
        json.dump({"accepted": ACCEPTED["check_ins"], "stats": rows}, out)
