from okr_app.cycles import bp
from okr_app.auth import login_required_actor


@bp.route("/")
@login_required_actor
def index():
    return "cycles.index: under construction"

