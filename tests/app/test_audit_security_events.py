"""Refused actions and account events land in the audit trail, and the admin's audit page filters by them."""
from __future__ import annotations

import sqlalchemy as sa

from okr_app.extensions import db
from okr_app.models import AuditEvent
from tests.builders import Builders


def sign_in(app, email):
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": Builders.PASSWORD}).status_code == 302
    return client


def test_a_refused_action_is_an_audit_event_with_who_and_what(app, build):
    build.person(email="eve@example.com")
    eve = sign_in(app, "eve@example.com")
    assert eve.get("/admin/audit/").status_code == 403
    assert eve.post("/people/new", data={"name": "X", "email": "x@example.com"}).status_code == 403
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "action.refused")
                                .order_by(AuditEvent.id)).all()
    assert [(e.actor_email, e.object_id) for e in events] == [("eve@example.com", "GET /admin/audit/"),
                                                              ("eve@example.com", "POST /people/new")]


def test_the_audit_page_filters_by_account_events(app, build):
    build.person(email="admin@example.com", role="admin")
    build.person(email="eve@example.com")
    eve = sign_in(app, "eve@example.com")
    eve.post("/logout")
    admin = sign_in(app, "admin@example.com")
    page = admin.get("/admin/audit/?action=auth").get_data(as_text=True)
    assert "auth.sign_in" in page and "auth.sign_out" in page and "3 events" in page  # 2 sign-ins, 1 sign-out
    only_sign_outs = admin.get("/admin/audit/?action=auth.sign_out").get_data(as_text=True)
    assert "1 event" in only_sign_outs  # Eve's sign-out; not the two sign-ins
    options = admin.get("/admin/audit/").get_data(as_text=True)
    assert 'value="auth.sign_in"' in options and 'value="auth.sign_out"' in options
