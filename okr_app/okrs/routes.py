"""Pages for objectives and key results. Each view parses, asks a service, commits once
(`attempt`) and redirects; a refused change re-renders its form with the reason."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from okr_app.auth.session import current_actor, login_required_actor
from okr_app.cycles.picked import picked_cycle_id, remember_pick
from okr_app.cycles.rollover import roll_over_offer
from okr_app.cycles.services import current_cycle, ensure_open
from okr_app.errors import NotFound
from okr_app.extensions import db
from okr_app.models import Cycle, KeyResult
from okr_app.okrs import bp
from okr_app.okrs.choices import Option, alignment_options, matching_options, owner_options, owner_value, parse_owner
from okr_app.okrs.forms import (VANITY_QUESTIONS, CheckInForm, ConfirmForm, KeyResultEditForm, KeyResultForm,
                                ObjectiveEditForm, ObjectiveForm, select_choices)
from okr_app.okrs.display import KIND_LABELS
from okr_app.okrs.history_chart import chart_for, small_charts_for
from okr_app.okrs.pages import key_result_page, my_okrs_page, objective_page
from okr_app.okrs.services import (add_key_result, check_in, create_objective, delete_key_result, delete_objective,
                                   editable_objective, update_key_result, update_objective, visible_key_result,
                                   visible_objective)
from okr_app.bounds import query_id
from okr_app.edge import attempt, form_status
from okr_app.ritual.threads import kr_thread
from okr_app.clock import today
from okr_app.ledger.key_results import accounts_behind
from okr_app.okrs.display import format_cents


def _requested_cycle(required: bool) -> Cycle | None:
    """The cycle named by ?cycle=, else the current one."""
    cycle_id = query_id("cycle")
    if cycle_id is not None:
        cycle = db.session.get(Cycle, cycle_id)
        if cycle is None:
            raise NotFound("No such cycle.")
        remember_pick(cycle.id)
        return cycle
    cycle = current_cycle(today(), picked_id=picked_cycle_id())
    if cycle is None and required:
        raise NotFound("There is no cycle yet: a leader creates one on the Cycles page first.")
    return cycle


def _editable_key_result(kr_id: int) -> KeyResult:
    actor = current_actor()
    kr = visible_key_result(actor, kr_id)
    editable_objective(actor, kr.objective_id)
    return kr


# --- My OKRs ------------------------------------------------------------------------------------

@bp.route("/mine")
@login_required_actor
def mine():
    page = my_okrs_page(current_actor(), _requested_cycle(required=False), today())
    return render_template("okrs/mine.html", page=page)


# --- objectives ---------------------------------------------------------------------------------

@bp.route("/objectives/new", methods=["GET", "POST"])
@login_required_actor
def new_objective():
    actor = current_actor()
    cycle = _requested_cycle(required=True)
    ensure_open(cycle)
    form = ObjectiveForm()
    form.owner.choices = select_choices(owner_options(actor))
    wanted_kr_id = query_id("aligned_to")
    finding = _offer_alignments(form, alignment_options(actor, cycle, wanted_kr_id=wanted_kr_id))
    if not form.is_submitted():
        wanted_owner = request.args.get("owner", "me")
        form.owner.data = owner_value("person", actor.id) if wanted_owner == "me" else wanted_owner
        form.aligned_kr.data = wanted_kr_id
    if not finding and form.validate_on_submit():
        def create():
            owner = parse_owner(form.owner.data)
            return create_objective(actor, cycle, form.title.data, owner.owner_type, owner_person=owner.person,
                                    team=owner.team, aligned_kr_id=form.aligned_kr.data,
                                    private=form.private.data, description=form.description.data or "")
        objective, error = attempt(create)
        if error is None:
            flash("Objective created. Now add its key results.", "success")
            return redirect(url_for("okrs.objective", objective_id=objective.id))
        return render_template("okrs/objective_form.html", form=form, cycle=cycle, objective=None), error.status
    return (render_template("okrs/objective_form.html", form=form, cycle=cycle, objective=None, finding_note=finding),
            200 if finding else form_status(form))


def _offer_alignments(form: ObjectiveEditForm, options: list[Option]) -> str | None:
    """Fill the "aligns to" picker. When the person pressed Find, narrow it to their words and say how many
    matched: the page comes back with everything they typed and nothing is saved, so the search works
    without JavaScript. None when the form is to be handled as usual."""
    if not (form.is_submitted() and form.find.data):
        form.aligned_kr.choices = select_choices(options)
        return None
    query = " ".join((form.align_search.data or "").split())
    found = matching_options(options, query, form.aligned_kr.data)
    form.aligned_kr.choices = select_choices(found)
    matches = sum(1 for option in found if option.value and option.value != str(form.aligned_kr.data))
    return (f"{matches} key {'result matches' if matches == 1 else 'results match'} \u201c{query}\u201d." if query
            else "Type words to look for, then Find.")


@bp.route("/objectives/<int:objective_id>")
@login_required_actor
def objective(objective_id: int):
    actor = current_actor()
    objective = visible_objective(actor, objective_id)
    page = objective_page(actor, objective, today())
    return render_template("okrs/objective.html", page=page, roll_over=roll_over_offer(actor, objective),
                           form=ConfirmForm(), charts=small_charts_for(objective, today()))


@bp.route("/objectives/<int:objective_id>/edit", methods=["GET", "POST"])
@login_required_actor
def edit_objective(objective_id: int):
    actor = current_actor()
    objective = editable_objective(actor, objective_id)
    initial = None if request.method == "POST" else {
        "title": objective.title, "description": objective.description,
        "aligned_kr": objective.aligned_kr_id, "private": objective.private}
    form = ObjectiveEditForm(data=initial)
    finding = _offer_alignments(form, alignment_options(actor, objective.cycle, objective.owner_person_id, objective))
    if not finding and form.validate_on_submit():
        _, error = attempt(lambda: update_objective(
            actor, objective, title=form.title.data, description=form.description.data or "",
            aligned_kr_id=form.aligned_kr.data, private=form.private.data))
        if error is None:
            flash("Objective saved.", "success")
            return redirect(url_for("okrs.objective", objective_id=objective_id))
        return render_template("okrs/objective_form.html", form=form, cycle=objective.cycle,
                               objective=objective), error.status
    return (render_template("okrs/objective_form.html", form=form, cycle=objective.cycle, objective=objective,
                            finding_note=finding), 200 if finding else form_status(form))


@bp.route("/objectives/<int:objective_id>/delete", methods=["GET", "POST"])
@login_required_actor
def delete_objective_view(objective_id: int):
    actor = current_actor()
    objective = editable_objective(actor, objective_id)
    form = ConfirmForm()
    cycle_id = objective.cycle_id
    if form.validate_on_submit():
        _, error = attempt(lambda: delete_objective(actor, objective))
        if error is None:
            flash("Objective deleted, with its key results and their history.", "success")
            return redirect(url_for("okrs.mine", cycle=cycle_id))
        return render_template("okrs/confirm_delete.html", form=form, what="objective", title=objective.title,
                               back=url_for("okrs.objective", objective_id=objective_id)), error.status
    return render_template("okrs/confirm_delete.html", form=form, what="objective", title=objective.title,
                           count=len(objective.key_results),
                           back=url_for("okrs.objective", objective_id=objective_id))


# --- key results --------------------------------------------------------------------------------

def _kr_form_page(form, objective, kr, status: int, error=None):
    """The key-result form; a refusal about one field (`error.field`) is said beside that field too."""
    field = getattr(error, "field", None)
    if field and field in form:
        form[field].errors = [*form[field].errors, error.message]
    elif error is not None:
        flash(error.message, "error")
    return render_template("okrs/key_result_form.html", form=form, objective=objective, kr=kr,
                           questions=VANITY_QUESTIONS, kind_label=KIND_LABELS[kr.kind] if kr else ""), status


@bp.route("/objectives/<int:objective_id>/key-results/new", methods=["GET", "POST"])
@login_required_actor
def new_key_result(objective_id: int):
    actor = current_actor()
    objective = editable_objective(actor, objective_id)
    form = KeyResultForm()
    if form.validate_on_submit():
        kr, error = attempt(lambda: add_key_result(
            actor, objective, form.title.data, form.kind.data, start=form.start.data, target=form.target.data,
            unit=form.unit.data or "", due=form.due.data, weight=form.weight.data, **form.vanity_answers(),
            **({"metric": form.metric.data, "window_months": form.window_months.data}
               if form.kind.data == "metric" else {})), show=False)
        if error is None:
            flash("Key result added." + (" It carries a vanity-risk mark: at least one answer was no."
                                         if kr.vanity_risk else ""), "success")
            return redirect(url_for("okrs.objective", objective_id=objective_id))
        return _kr_form_page(form, objective, None, error.status, error)
    return _kr_form_page(form, objective, None, form_status(form))


@bp.route("/key-results/<int:kr_id>")
@login_required_actor
def key_result(kr_id: int):
    actor = current_actor()
    kr = visible_key_result(actor, kr_id)
    form = CheckInForm(data={"confidence": kr.confidence})
    return render_template("okrs/key_result.html", page=key_result_page(actor, kr, today()), form=form,
                           thread=kr_thread(kr.id), chart=chart_for(kr, today()))


@bp.route("/key-results/<int:kr_id>/accounts")
@login_required_actor
def key_result_accounts(kr_id: int):
    actor = current_actor()
    kr = visible_key_result(actor, kr_id)
    value = accounts_behind(actor, kr)
    return render_template("okrs/accounts.html", kr=kr, value=value, cents=format_cents)


@bp.route("/key-results/<int:kr_id>/check-ins", methods=["POST"])
@login_required_actor
def check_in_view(kr_id: int):
    actor = current_actor()
    kr = visible_key_result(actor, kr_id)
    form = CheckInForm()
    status = 422
    if form.validate_on_submit():
        _, error = attempt(lambda: check_in(actor, kr, form.value.data, form.confidence.data,
                                                    form.note.data or ""))
        if error is None:
            flash("Check-in saved.", "success")
            return redirect(url_for("okrs.key_result", kr_id=kr_id))
        status = error.status
    return render_template("okrs/key_result.html", page=key_result_page(actor, kr, today()), form=form,
                           thread=kr_thread(kr.id), chart=chart_for(kr, today())), status


@bp.route("/key-results/<int:kr_id>/edit", methods=["GET", "POST"])
@login_required_actor
def edit_key_result(kr_id: int):
    actor = current_actor()
    kr = _editable_key_result(kr_id)
    initial = None if request.method == "POST" else {
        "title": kr.title, "start": kr.start_value, "target": kr.target_value, "unit": kr.unit, "due": kr.due,
        "weight": kr.weight, **{name: "yes" if getattr(kr, name) else "no" for name in VANITY_QUESTIONS}}
    form = KeyResultEditForm(data=initial)
    if form.validate_on_submit():
        _, error = attempt(lambda: update_key_result(
            actor, kr, title=form.title.data, start=form.start.data, target=form.target.data,
            unit=form.unit.data or "", due=form.due.data, weight=form.weight.data, **form.vanity_answers()),
            show=False)
        if error is None:
            flash("Key result saved.", "success")
            return redirect(url_for("okrs.key_result", kr_id=kr_id))
        return _kr_form_page(form, kr.objective, kr, error.status, error)
    return _kr_form_page(form, kr.objective, kr, form_status(form))


@bp.route("/key-results/<int:kr_id>/delete", methods=["GET", "POST"])
@login_required_actor
def delete_key_result_view(kr_id: int):
    actor = current_actor()
    kr = _editable_key_result(kr_id)
    objective_id = kr.objective_id
    form = ConfirmForm()
    back = url_for("okrs.key_result", kr_id=kr_id)
    if form.validate_on_submit():
        _, error = attempt(lambda: delete_key_result(actor, kr))
        if error is None:
            flash("Key result deleted, with its history.", "success")
            return redirect(url_for("okrs.objective", objective_id=objective_id))
        return render_template("okrs/confirm_delete.html", form=form, what="key result", title=kr.title,
                               back=back), error.status
    return render_template("okrs/confirm_delete.html", form=form, what="key result", title=kr.title,
                           count=len(kr.check_ins), back=back)
