from okr_app.okrs import bp
from okr_app.auth import login_required_actor


@bp.route("/mine")
@login_required_actor
def mine():
    return "okrs.mine: under construction"

