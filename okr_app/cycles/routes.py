"""Cycle pages: the list (and, for leaders, the create form), one cycle with its actions, the
grading sheet and the close confirmation. Thin: services decide, `attempt` commits."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from okr_app.auth.session import current_actor, login_required_actor
from okr_app.cycles import bp
from okr_app.cycles.forms import ConfirmForm, CycleForm, GradesForm, RenameForm, submitted_grades
from okr_app.cycles.pages import close_preview, cycle_page, cycle_rows, grade_rows
from okr_app.cycles.rollover import roll_over, roll_over_offer
from okr_app.cycles.services import (activate_cycle, apply_grades, close_cycle, create_cycle, cycle_objective_count,
                                     delete_cycle, overlapping_active, rename_cycle, take_mid_cycle_snapshot)
from okr_app.okrs.history_chart import small_charts_for
from okr_app.okrs.pages import objective_page
from okr_app.okrs.services import visible_objective
from okr_app.errors import NotAllowed
from okr_app.extensions import db
from okr_app.models import Cycle
from okr_app.okrs.display import format_grade
from okr_app.edge import attempt, form_status
from okr_app.policy import can_manage_cycles, cycle_is_open
from okr_app.clock import today


def _cycle(cycle_id: int) -> Cycle:
    return db.get_or_404(Cycle, cycle_id, description="No such cycle.")


def _index_page(form, status: int):
    actor = current_actor()
    return render_template("cycles/index.html", rows=cycle_rows(today()), form=form,
                           can_manage=can_manage_cycles(actor)), status


@bp.route("/", methods=["GET", "POST"])
@login_required_actor
def index():
    actor = current_actor()
    form = CycleForm()
    if request.method == "POST":
        if not can_manage_cycles(actor):
            raise NotAllowed("Only leaders and admins create cycles.")
        if form.validate_on_submit():
            cycle, error = attempt(lambda: create_cycle(actor, form.name.data, form.start.data,
                                                                form.weeks.data))
            if error is None:
                flash(f"Cycle {cycle.name} created. Set its OKRs, then start it.", "success")
                return redirect(url_for("cycles.cycle", cycle_id=cycle.id))
            return _index_page(form, error.status)
    return _index_page(form, form_status(form))


@bp.route("/<int:cycle_id>")
@login_required_actor
def cycle(cycle_id: int):
    cycle = _cycle(cycle_id)
    page = cycle_page(current_actor(), cycle, today())
    return render_template("cycles/cycle.html", page=page, form=ConfirmForm(),
                           rename=RenameForm(data={"name": cycle.name}))


def _cycle_action(cycle_id: int, action, done: str):
    """Activate or snapshot: POST only, then back to the cycle page with the outcome."""
    cycle = _cycle(cycle_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash("The form expired; try again.", "error")
        return redirect(url_for("cycles.cycle", cycle_id=cycle_id))
    result, error = attempt(lambda: action(cycle))
    if error is not None:
        cycle = _cycle(cycle_id)
        page = cycle_page(current_actor(), cycle, today())
        return render_template("cycles/cycle.html", page=page, form=form,
                               rename=RenameForm(data={"name": cycle.name})), error.status
    flash(done.format(result=result), "success")
    return redirect(url_for("cycles.cycle", cycle_id=cycle_id))


@bp.route("/<int:cycle_id>/activate", methods=["GET", "POST"])
@login_required_actor
def activate(cycle_id: int):
    """GET asks for confirmation (and warns of an overlapping active cycle); POST starts the cycle."""
    actor = current_actor()
    if not can_manage_cycles(actor):
        raise NotAllowed("Only leaders and admins start cycles.")
    if request.method == "GET":
        cycle = _cycle(cycle_id)
        return render_template("cycles/activate.html", cycle=cycle, overlap=overlapping_active(cycle),
                               objectives=cycle_objective_count(cycle), form=ConfirmForm())
    return _cycle_action(cycle_id, lambda cycle: activate_cycle(actor, cycle),
                         "The cycle is active: everyone's home, check-in and team pages now show it.")


@bp.route("/<int:cycle_id>/rename", methods=["POST"])
@login_required_actor
def rename(cycle_id: int):
    actor = current_actor()
    cycle = _cycle(cycle_id)
    form = RenameForm()
    if form.validate_on_submit():
        _, error = attempt(lambda: rename_cycle(actor, cycle, form.name.data))
        if error is None:
            flash(f"Renamed to {cycle.name}.", "success")
            return redirect(url_for("cycles.cycle", cycle_id=cycle_id))
        status = error.status
    else:
        if not can_manage_cycles(actor):
            raise NotAllowed("Only leaders and admins rename cycles.")
        status = 422
    page = cycle_page(actor, _cycle(cycle_id), today())
    return render_template("cycles/cycle.html", page=page, form=ConfirmForm(), rename=form), status


@bp.route("/<int:cycle_id>/delete", methods=["GET", "POST"])
@login_required_actor
def delete(cycle_id: int):
    """GET asks for confirmation; POST deletes a planning cycle that holds no objectives."""
    actor = current_actor()
    if not can_manage_cycles(actor):
        raise NotAllowed("Only leaders and admins delete cycles.")
    cycle = _cycle(cycle_id)
    form = ConfirmForm()
    status = 200
    if form.validate_on_submit():
        name = cycle.name
        _, error = attempt(lambda: delete_cycle(actor, cycle))
        if error is None:
            flash(f"Cycle {name} deleted.", "success")
            return redirect(url_for("cycles.index"))
        status = error.status
    return render_template("cycles/delete.html", cycle=cycle, objectives=cycle_objective_count(cycle),
                           form=form), status


@bp.route("/roll-over/<int:objective_id>", methods=["POST"])
@login_required_actor
def roll_over_objective(objective_id: int):
    """Copy an objective of a closed cycle and its unfinished key results into the next cycle."""
    actor = current_actor()
    objective = visible_objective(actor, objective_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash("The form expired; try again.", "error")
        return redirect(url_for("okrs.objective", objective_id=objective_id))
    copy, error = attempt(lambda: roll_over(actor, objective))
    if error is not None:
        page = objective_page(actor, visible_objective(actor, objective_id), today())
        return render_template("okrs/objective.html", page=page, form=form, charts=small_charts_for(objective, today()),
                               roll_over=roll_over_offer(actor, objective)), error.status
    flash(f"Rolled over into {copy.cycle.name} with {len(copy.key_results)} unfinished key result(s), "
          "their values back at the start.", "success")
    return redirect(url_for("okrs.objective", objective_id=copy.id))


@bp.route("/<int:cycle_id>/snapshot", methods=["POST"])
@login_required_actor
def snapshot(cycle_id: int):
    actor = current_actor()
    return _cycle_action(cycle_id, lambda cycle: take_mid_cycle_snapshot(actor, cycle, today()),
                         "Mid-cycle snapshot taken: {result} key results frozen.")


@bp.route("/<int:cycle_id>/grades", methods=["GET", "POST"])
@login_required_actor
def grades(cycle_id: int):
    actor = current_actor()
    cycle = _cycle(cycle_id)
    rows = grade_rows(actor, cycle)
    form = GradesForm()
    errors: dict[int, str] = {}
    status = 200
    if form.validate_on_submit():
        values, errors = submitted_grades(request.form)
        if not errors:
            changed, error = attempt(lambda: apply_grades(actor, cycle, values))
            if error is None:
                flash(f"Grades saved ({changed} changed).", "success")
                return redirect(url_for("cycles.grades", cycle_id=cycle_id))
            status = error.status
        else:
            flash("Some grades were not numbers from 0.0 to 1.0; nothing was saved.", "error")
            status = 422
        rows = grade_rows(actor, cycle)
    inputs = {r.kr_id: request.form.get(f"grade-{r.kr_id}", format_grade(r.grade)) for r in rows}
    return render_template("cycles/grades.html", cycle=cycle, cycle_open=cycle_is_open(cycle), rows=rows,
                           form=form, errors=errors, inputs=inputs), status


@bp.route("/<int:cycle_id>/close", methods=["GET", "POST"])
@login_required_actor
def close(cycle_id: int):
    actor = current_actor()
    cycle = _cycle(cycle_id)
    if not can_manage_cycles(actor):
        raise NotAllowed("Only leaders and admins close cycles.")
    form = ConfirmForm()
    status = 200
    if form.validate_on_submit():
        graded, error = attempt(lambda: close_cycle(actor, cycle))
        if error is None:
            flash(f"{cycle.name} is closed: {graded} key results graded and locked.", "success")
            return redirect(url_for("cycles.cycle", cycle_id=cycle_id))
        status = error.status
    rows = grade_rows(actor, cycle)
    return render_template("cycles/close.html", cycle=cycle, cycle_open=cycle_is_open(cycle),
                           preview=close_preview(rows), form=form), status
