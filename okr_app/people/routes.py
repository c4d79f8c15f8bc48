from okr_app.people import bp
from okr_app.auth import login_required_actor


@bp.route("/")
@login_required_actor
def index():
    return "people.index: under construction"

