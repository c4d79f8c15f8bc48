from okr_app.audit import bp
from okr_app.auth import login_required_actor


@bp.route("/")
@login_required_actor
def index():
    return "audit.index: under construction"

