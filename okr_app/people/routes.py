"""People admin pages (admins, via policy.can_manage_people) and the person page (everyone).

Views parse the form, call `people.services`, commit once, and roll back on a refused change.
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from okr_app.auth.links import invite
from okr_app.auth.session import current_actor, login_required_actor
from okr_app.edge import attempt, refuse
from okr_app.errors import CadenceError, NotFound
from okr_app.extensions import db
from okr_app.models import Person, Team
from okr_app.people import bp, services
from okr_app.people.forms import NOBODY, ImportForm, PersonForm, TeamForm
from okr_app.people.importing import ImportRejected, import_people_stream
from okr_app.policy import Actor, can_manage_people

FORM_FIELDS = {"manager": "manager_id", "team": "team_id"}


def _admin() -> Actor:
    actor = current_actor()
    if not can_manage_people(actor):
        abort(403)
    return actor


def _refused(form, exc: CadenceError) -> None:
    """Show a refused change next to the field it concerns (or above the form)."""
    refuse()
    name = getattr(exc, "field", None) or ""  # a refusal about the whole file names no field
    field = getattr(form, FORM_FIELDS.get(name, name), None) if name else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, exc.message]
    else:
        flash(exc.message, "error")


def _status(form) -> int:
    return 422 if form.is_submitted() else 200


def _chosen(model, chosen_id: int):
    return db.session.get(model, chosen_id) if chosen_id != NOBODY else None


@bp.route("/")
@login_required_actor
def index():
    actor = _admin()
    query = request.args.get("q", "")[:200]
    include_inactive = request.args.get("inactive") == "1"
    people, total = services.search_people(actor, query, include_inactive)
    return render_template("people/index.html", people=people, total=total, query=query,
                           include_inactive=include_inactive)


@bp.route("/new", methods=["GET", "POST"])
@login_required_actor
def new():
    actor = _admin()
    form = PersonForm()
    form.set_choices(services.manager_choices(), services.team_choices())
    del form.active
    if form.validate_on_submit():
        try:
            person = services.add_person(actor, email=form.email.data, name=form.name.data, role=form.role.data,
                                         manager=_chosen(Person, form.manager_id.data),
                                         team=_chosen(Team, form.team_id.data), password=form.password.data or None)
            if form.invite.data:
                invite(actor, person)
        except CadenceError as exc:
            _refused(form, exc)
        else:
            flash(f"{person.name} is added" + (f"; an invitation is on its way to {person.email}." if form.invite.data
                                               else "."), "success")
            return redirect(url_for("people.show", person_id=person.id))
    return render_template("people/form.html", form=form, person=None), _status(form)


@bp.route("/<int:person_id>")
@login_required_actor
def show(person_id: int):
    actor = current_actor()
    try:
        profile = services.profile(person_id)
    except NotFound:
        abort(404)
    return render_template("people/show.html", profile=profile, can_edit=can_manage_people(actor),
                           is_me=person_id == actor.id)


@bp.route("/<int:person_id>/invite", methods=["POST"])
@login_required_actor
def send_invitation(person_id: int):
    """Mail this person a link to choose their password (admins)."""
    actor = _admin()
    person = db.get_or_404(Person, person_id)
    sent, error = attempt(lambda: invite(actor, person))
    if error is None:
        flash(f"An invitation is on its way to {person.email}; its link works for 7 days.", "success")
    return redirect(url_for("people.show", person_id=person.id))


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
@login_required_actor
def edit(person_id: int):
    actor = _admin()
    person = db.get_or_404(Person, person_id)
    form = PersonForm(obj=None if request.method == "POST" else person)  # an empty POST must not "save"
    del form.invite  # the person's page has its own "Send an invitation" button
    managers = [(pid, label) for pid, label in services.manager_choices() if pid != person.id]
    if person.manager is not None and not person.manager.active:
        managers.append((person.manager.id, f"{person.manager.name} (deactivated)"))
    form.set_choices(managers, services.team_choices())
    form.password.label.text = "New password"
    form.password.description = "Leave blank to keep the current one; setting one signs them out everywhere."
    if form.validate_on_submit():
        try:
            services.update_person(actor, person, name=form.name.data, email=form.email.data, role=form.role.data,
                                   manager=_chosen(Person, form.manager_id.data),
                                   team=_chosen(Team, form.team_id.data), active=form.active.data)
            if form.password.data:
                services.set_password(actor, person, form.password.data)
            waiting = services.active_reports(person) if not person.active else []
        except CadenceError as exc:
            _refused(form, exc)
        else:
            flash(f"{person.name} is saved.", "success")
            if waiting:
                flash(f"{len(waiting)} active people still report to {person.name}; give them a new manager.",
                      "error")
            return redirect(url_for("people.show", person_id=person.id))
    return render_template("people/form.html", form=form, person=person), _status(form)


@bp.route("/teams", methods=["GET", "POST"])
@login_required_actor
def teams():
    actor = _admin()
    form = TeamForm()
    if form.validate_on_submit():
        try:
            team = services.create_team(actor, form.name.data, form.kind.data)
        except CadenceError as exc:
            _refused(form, exc)
        else:
            flash(f"Team {team.name} is added.", "success")
            return redirect(url_for("people.teams"))
    return render_template("people/teams.html", form=form, teams=services.list_teams(actor)), _status(form)


@bp.route("/import", methods=["GET", "POST"])
@login_required_actor
def import_csv():
    actor = _admin()
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        upload = form.file.data
        name = (upload.filename or "upload.csv").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:120]
        try:
            result = import_people_stream(actor, upload.stream, name, current_app.config["MAX_IMPORT_BYTES"])
            for person in (result.people if form.invite.data else []):
                invite(actor, person)
        except ImportRejected as exc:
            refuse()
            problems = exc.problems
        except CadenceError as exc:
            _refused(form, exc)
        else:
            flash(f"Imported {len(result.people)} people from {name}"
                  + ("; each gets an invitation by e-mail." if form.invite.data else "."), "success")
            return redirect(url_for("people.index"))
    return render_template("people/import.html", form=form, problems=problems), _status(form)
