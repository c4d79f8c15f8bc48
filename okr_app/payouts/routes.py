from okr_app.payouts import bp
from okr_app.auth import login_required_actor


@bp.route("/")
@login_required_actor
def index():
    return "payouts.index: under construction"

