from okr_app.checkins import bp
from okr_app.auth import login_required_actor


@bp.route("/check-in")
@login_required_actor
def weekly():
    return "checkins.weekly: under construction"


@bp.route("/team")
@login_required_actor
def team():
    return "checkins.team: under construction"

