from okr_app.dashboard import bp
from okr_app.auth import login_required_actor


@bp.route("/")
@login_required_actor
def home():
    return "dashboard.home: under construction"


@bp.route("/tree")
@login_required_actor
def tree():
    return "dashboard.tree: under construction"

