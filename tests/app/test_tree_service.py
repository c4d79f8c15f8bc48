"""The cascade tree: nesting, roll-up and visibility, through `cycle_tree`."""
from okr_app.okrs.tree import cycle_tree
from okr_app.policy import Actor


def test_the_tree_nests_aligned_objectives_under_the_key_result_and_rolls_up(build):
    ceo = build.person(role="leader")
    rep = build.person(manager=ceo)
    cycle = build.cycle()
    company = build.objective(cycle, company=True, title="Grow lasting revenue")
    rollup = build.key_result(company, kind="rollup")
    mine = build.objective(cycle, owner=rep, aligned_to=rollup)
    build.key_result(mine, start=0, target=10, current=4)  # (4 - 0) / (10 - 0) = 0.4
    tree = cycle_tree(Actor(ceo), cycle)
    assert [r.id for r in tree.roots] == [company.id]
    child = tree.roots[0].key_results[0].objectives[0]
    assert child.id == mine.id
    assert abs(tree.roots[0].progress - 0.4) < 1e-9  # rollup = mean(0.4) = 0.4; objective = 0.4


def test_a_private_objective_is_hidden_from_a_peer_but_shown_to_the_owners_manager(build):
    boss = build.person(role="manager")
    owner = build.person(manager=boss)
    peer = build.person(manager=boss)
    cycle = build.cycle()
    secret = build.objective(cycle, owner=owner, private=True)
    assert secret.id not in [r.id for r in cycle_tree(Actor(peer), cycle).roots]
    assert secret.id in [r.id for r in cycle_tree(Actor(boss), cycle).roots]


def test_the_status_filter_keeps_matching_objectives_and_their_ancestors_only(build):
    lead = build.person(role="leader")
    cycle = build.cycle()
    company = build.objective(cycle, company=True)
    rollup = build.key_result(company, kind="rollup")
    risky = build.objective(cycle, owner=build.person(manager=lead), aligned_to=rollup)
    build.key_result(risky, confidence="at_risk")
    fine = build.objective(cycle, owner=build.person(manager=lead), aligned_to=rollup)
    build.key_result(fine, confidence="on_track")
    tree = cycle_tree(Actor(lead), cycle, status="at_risk")
    kept = [o.id for o in tree.roots[0].key_results[0].objectives]
    assert kept == [risky.id]
