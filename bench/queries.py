"""SQL statements per page, for a demo company of 50 and of 2,000 people.

The tree, team and home pages and the API's tree must cost the same small number of queries
whatever the organisation's size (tests/app/test_query_budget.py asserts it); this prints them.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = (50, 2000)


def measure(people: int) -> dict[str, int]:
    from okr_app import create_app
    from okr_app.api.tokens import create_token
    from okr_app.demo.seed import DEMO_PASSWORD, seed_organisation
    from okr_app.extensions import db
    from okr_app.models import Person

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SECRET_KEY": "bench", "INSTANCE_PATH": tmp, "RATELIMIT_ENABLED": False,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db", "WTF_CSRF_ENABLED": False})
        with app.app_context():
            db.create_all()
            company = seed_organisation(people, seed=1)
            roles = {role: email for role, _name, email in company.logins}
            _, token = create_token(db.session.scalar(sa.select(Person).where(Person.email == roles["leader"])))
            db.session.commit()
            statements = []
            sa.event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(1))
            counts = {}
            for label, email, path, headers in (
                    ("tree page (leader)", roles["leader"], "/tree", {}),
                    ("team page (manager)", roles["manager"], "/team", {}),
                    ("home page (manager)", roles["manager"], "/", {}),
                    ("API cycle tree", None, f"/api/v1/cycles/{company.cycle_id}/tree",
                     {"Authorization": f"Bearer {token}"})):
                client = app.test_client()
                if email:
                    client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
                statements.clear()
                response = client.get(path, headers=headers)
                assert response.status_code == 200, (path, response.status_code)
                counts[label] = len(statements)
            db.engine.dispose()
        return counts


def main() -> None:
    results = {size: measure(size) for size in SIZES}
    print(f"{'SQL statements per request':<28}" + "".join(f"{f'{size:,} people':>16}" for size in SIZES))
    for label in results[SIZES[0]]:
        print(f"{label:<28}" + "".join(f"{results[size][label]:>16}" for size in SIZES))


if __name__ == "__main__":
    main()
