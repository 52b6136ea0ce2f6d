"""Notebook 06 plumbing: the statutory-body table and the two teaching models.

Expected values are worked by hand (from data/statutory_body_facts.csv, or from a tiny population of
firms written out in the test) with the arithmetic in a comment; seeded outputs are checked against an
independent re-implementation written here with plain Python loops, never against numbers copied from
the module's own output."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text

from qianhai.data import load, resource
from qianhai.charts import MODEL_LINE
from qianhai.governance import (MAX_STEPS, MODEL_TAG, NO_SOURCE, FirmPopulation, InspectionExplorer, InspectionSetup,
                                ServiceExplorer, ServiceSetup, average_targeting_curve, inspect, inspected_firms,
                                make_firms, markdown_table, not_found_dimensions, side_by_side, simulate_inspections,
                                simulate_service, targeted_count, targeting_curve)
from qianhai.inputs import InputProblem


def expected_found(population: FirmPopulation, budget: int, targeted: int) -> float:
    """Violations found on average over the random draws, worked out here: the H violators among the
    ``targeted`` lowest scores, plus (budget − targeted) random picks from the firms left, a share
    (violators − H) / (firms − targeted) of which violate."""
    caught = sum(bool(population.violates[i]) for i in population.risk_order[:targeted])
    left = population.firms - targeted
    return float(caught) if left == 0 else caught + (budget - targeted) * (population.violators - caught) / left


# ---------------------------------------------------------------------------------------------
# Statutory body table
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def facts():
    return load("statutory_body_facts")


def test_credit_restoration_row_names_the_ndrc_and_its_order():
    # The measures in force from 1 May 2023 are NDRC Order No. 58 (reprint of the gov.cn text, zs531.com),
    # not SAMR's; the note records their replacement by NDRC Order No. 36 from 1 Apr 2026.
    row = load("governance_facts").set_index("fact_id").loc["credit_restoration_2023"]
    assert row["date"] == "2023-05-01"
    assert "NDRC" in row["fact"] and "Order No. 58" in row["fact"] and "SAMR" not in row["fact"]
    assert "Order No. 36" in row["note"] and "1 Apr 2026" in row["note"]
    source = next(s for s in resource("governance_facts")["sources"] if s["id"] == row["source_id"])
    assert source["kind"] == "mirror" and "第58号" in source["title"]


def test_side_by_side_says_no_source_found_and_never_fills_in(facts):
    not_found = not_found_dimensions(resource("statutory_body_facts"))
    # descriptor vintage ends "... Not found: staffing, budget, accountability."
    assert not_found == ["staffing", "budget", "accountability"]
    table = side_by_side(facts, not_found)
    # 13 sourced rows in the CSV + 3 searched-for-but-not-found dimensions = 16 rows.
    assert len(table) == 13 + 3
    # Only management_model and model_origin have an ordinary_bureau cell in the CSV: 11 of 13 rows say so.
    sourced = table.iloc[:13]
    assert (sourced["ordinary government bureau"] == NO_SOURCE).sum() == 11
    assert table.loc["management_model", "ordinary government bureau"] == (
        "An ordinary government department, which is not run on business lines.")
    assert table.loc["status_statutory_body", "sources"] == "S14; EV-O232-EN; EV-O232-ZH"
    assert table.loc["basis_regulations_revised_2020", "sources"] == "L08; L09; L07"
    assert table.loc["not_found_budget", "Qianhai Authority"] == NO_SOURCE
    assert table.loc["leadership_director_responsibility", "dimension"] == "leadership"


def test_side_by_side_tells_apart_a_dimension_sourced_in_two_years(facts):
    """A student read "legal basis" twice in the table. In the CSV, legal_basis has two rows dated 2011-06-27
    and 2020-10; the two functions rows share 2011-09-05, so their years tell nothing apart."""
    table = side_by_side(facts)
    assert table.loc["basis_regulations_2011", "dimension"] == "legal basis (2011)"
    assert table.loc["basis_regulations_revised_2020", "dimension"] == "legal basis (2020)"
    assert table.loc["functions_duties", "dimension"] == "functions"


def test_side_by_side_rejects_other_tables():
    with pytest.raises(InputProblem, match="statutory_body_facts"):
        side_by_side(pd.DataFrame({"a": [1]}))
    with pytest.raises(InputProblem):
        side_by_side("not a table")


def test_not_found_dimensions_without_the_phrase():
    assert not_found_dimensions({"vintage": "Research pack."}) == []
    assert not_found_dimensions({}) == []


def test_markdown_table_escapes_cells():
    frame = pd.DataFrame({"a": ["x | y", "<script>alert(1)</script>"], "b": [None, "ok"]})
    note = markdown_table(frame)
    assert "x \\| y" in note.markdown and "<script>" not in note.markdown and "&lt;script&gt;" in note.markdown
    assert note.plain.splitlines()[0] == "a | b"


# ---------------------------------------------------------------------------------------------
# Teaching model A: inspections — a population small enough to work by hand
# ---------------------------------------------------------------------------------------------

def tiny_population() -> FirmPopulation:
    # 10 firms; firms 0, 3 and 7 violate.
    violates = np.array([True, False, False, True, False, False, False, True, False, False])
    # Scores (higher = better record). Lowest first: firm 3 (-2.0), firm 5 (-1.5), firm 0 (-1.0),
    # firm 8 (-0.5), firm 7 (0.0), then the rest.
    score = np.array([-1.0, 0.5, 1.0, -2.0, 0.2, -1.5, 0.8, 0.0, -0.5, 1.2])
    risk_order = np.argsort(score, kind="stable")
    random_order = np.array([7, 2, 3, 9, 0, 1, 4, 5, 6, 8])
    return FirmPopulation(violates, score, risk_order, random_order, separation=1.0, seed=0)


def test_targeted_count_rounds_half_up():
    assert targeted_count(4, 50) == 2      # 50% of 4 = 2.0
    assert targeted_count(5, 50) == 3      # 2.5 -> 3 (half up, not banker's rounding)
    assert targeted_count(10, 33) == 3     # 3.3 -> 3
    assert targeted_count(10, 35) == 4     # 3.5 -> 4
    assert targeted_count(7, 100) == 7 and targeted_count(7, 0) == 0


def test_inspection_worked_by_hand():
    pop = tiny_population()
    # Budget 4, 50% targeted -> 2 targeted: the two lowest scores, firms 3 and 5.
    # Random: the seeded order 7, 2, 3, 9, ... skipping firm 3 (already chosen) -> firms 7 and 2.
    assert inspected_firms(pop, 4, 2).tolist() == [2, 3, 5, 7]
    result = inspect(pop, 4, 50)
    # Violators among {2, 3, 5, 7}: firms 3 and 7 -> 2 found; 2 compliant firms inspected; 3 - 2 = 1 missed.
    assert (result.targeted, result.found, result.compliant_inspected) == (2, 2, 2)
    sentence = result.sentence()
    assert sentence.startswith("Model output: 4 inspections, 2 targeted by credit score and 2 at random")
    assert "find 2 violations (67% of the 3 violators)" in sentence    # 2 / 3 = 66.7%
    assert "2 inspections fall on compliant firms, 28.6% of all compliant firms" in sentence  # 2 / 7 = 28.57%
    assert "Purely random inspection would find 1.2 on average" in sentence  # 4 x 3 / 10
    assert "1 violation is missed" in result.sentence()      # 3 violators - 2 found = 1: singular
    # Budget 1, targeted: firm 3 (lowest score), a violator -> 1 found, 3 - 1 = 2 missed: plural.
    one = inspect(pop, 1, 100).sentence()
    assert "2 violations are missed" in one
    assert "1 inspection, 1 targeted by credit score and 0 at random, finds 1 violation (33% of the 3 violators)" in one
    assert "0 inspections fall on compliant firms" in one
    # All targeted (budget 4): firms 3, 5, 0, 8 -> violators 3 and 0 -> 2 found.
    assert inspect(pop, 4, 100).found == 2
    # All random (budget 4): firms 7, 2, 3, 9 -> violators 7 and 3 -> 2 found.
    assert inspect(pop, 4, 0).found == 2
    # Budget 1, all targeted: firm 3 only -> 1 found.
    assert inspect(pop, 1, 100).found == 1


def test_expected_found_worked_by_hand():
    pop = tiny_population()
    # Budget 4, 2 targeted (firms 3, 5): H = 1 violator caught; 8 firms left holding 2 violators (0, 7);
    # 2 random picks from 8 -> 2 x 2 / 8 = 0.5. Expected found = 1 + 0.5 = 1.5.
    assert expected_found(pop, 4, 2) == pytest.approx(1.5)
    # No targeting: 4 x 3 / 10 = 1.2 (the random benchmark).
    assert expected_found(pop, 4, 0) == pytest.approx(1.2)
    # Everything targeted (budget 10): all 3 violators.
    assert expected_found(pop, 10, 10) == pytest.approx(3.0)


def test_seeded_population_matches_an_independent_rebuild():
    """make_firms draws, in this order: a permutation choosing the violators, standard-normal noise,
    a permutation for random inspection. Rebuild that here with plain loops and count by hand."""
    pop = make_firms(1000, 10, 1.5, 6)
    rng = np.random.default_rng(6)
    violators = set(rng.permutation(1000)[:100].tolist())       # 10% of 1,000 = 100 violators
    noise = rng.standard_normal(1000)
    order = rng.permutation(1000).tolist()
    score = [noise[i] - (1.5 if i in violators else 0.0) for i in range(1000)]
    ranked = sorted(range(1000), key=lambda i: (score[i], i))
    assert pop.violators == 100 and set(np.flatnonzero(pop.violates).tolist()) == violators
    assert pop.risk_order.tolist() == ranked
    # 100 inspections, 50% targeted -> 50 lowest scores, then the first 50 of `order` not among them.
    targeted = ranked[:50]
    rest = [i for i in order if i not in set(targeted)][:50]
    by_hand = sum(1 for i in targeted + rest if i in violators)
    assert simulate_inspections(100, 50).found == by_hand
    # Same seed, same answer, every time; a different seed, different firms.
    assert simulate_inspections(100, 50) == simulate_inspections(100, 50)
    assert not np.array_equal(make_firms(seed=7).violates, pop.violates)


@pytest.mark.parametrize("seed", [0, 1, 6])
@pytest.mark.parametrize("share", [0, 35, 50, 100])
def test_more_budget_never_finds_fewer_same_seed(seed, share):
    """Exact, for every seed: the inspected firms at budget B+1 include those at budget B."""
    pop = make_firms(300, 10, 1.5, seed)
    previous, found_before = set(), -1
    for budget in range(1, 301):
        chosen = set(inspected_firms(pop, budget, targeted_count(budget, share)).tolist())
        assert len(chosen) == budget and previous <= chosen
        found = inspect(pop, budget, share).found
        assert found >= found_before
        previous, found_before = chosen, found


@pytest.mark.parametrize("seed", [0, 3, 6, 11])
@pytest.mark.parametrize("budget", [20, 100, 250])
def test_more_targeting_with_a_perfect_score_never_finds_fewer(seed, budget):
    """A separation of 10 SD puts every violator below every compliant firm (checked), so the credit list
    is perfect: then each inspection moved from random to targeted never finds fewer."""
    pop = make_firms(1000, 10, 10, seed)
    assert pop.violates[pop.risk_order[:pop.violators]].all()
    found = [inspect(pop, budget, share).found for share in range(0, 101)]
    assert all(b >= a for a, b in zip(found, found[1:]))
    assert found[-1] == min(budget, pop.violators)


def test_one_more_targeted_inspection_swaps_one_random_firm_for_the_next_on_the_credit_list():
    """The precise per-seed property: going from k to k+1 targeted inspections (same budget) either
    changes nothing or swaps exactly one random firm y for the next-ranked firm x. So found changes by
    v(x) - v(y) in {-1, 0, +1}: it falls only when x is compliant and y is a violator."""
    pop = make_firms(500, 10, 1.5, 6)
    budget = 60
    for k in range(budget):
        before = set(inspected_firms(pop, budget, k).tolist())
        after = set(inspected_firms(pop, budget, k + 1).tolist())
        added, dropped = after - before, before - after
        x = int(pop.risk_order[k])
        assert (added, dropped) == (set(), set()) or (added == {x} and len(dropped) == 1)


def test_for_one_seed_more_targeting_can_find_fewer():
    """Not monotone per seed with a noisy score: at least one of the first 50 seeds has a dip."""
    dips = []
    for seed in range(50):
        curve = targeting_curve(make_firms(seed=seed), 100, range(0, 101, 10))["found"].tolist()
        if any(b < a for a, b in zip(curve, curve[1:])):
            dips.append(seed)
    assert dips, "expected a seed where more targeting finds fewer violations"


def test_expected_gain_from_one_more_targeted_inspection_matches_the_algebra():
    """E(k+1) - E(k) = (v_x - avg_k) x (1 - (B-k-1)/(N-k-1)), avg_k = violators left / firms left."""
    pop = make_firms(400, 10, 1.5, 2)
    budget = 50
    for k in range(0, 49):
        x = int(pop.risk_order[k])
        caught = int(pop.violates[pop.risk_order[:k]].sum())
        avg = (pop.violators - caught) / (pop.firms - k)
        gain = (float(pop.violates[x]) - avg) * (1 - (budget - k - 1) / (pop.firms - k - 1))
        assert expected_found(pop, budget, k + 1) - expected_found(pop, budget, k) == pytest.approx(gain)


def test_on_average_over_populations_more_targeting_never_finds_fewer():
    """Averaged over 200 seeded populations (random draws averaged exactly), an informative score gives a
    curve that never falls; with a pure-noise score (separation 0) targeting gains nothing on average."""
    average = average_targeting_curve(100, range(0, 101, 10), separation=1.5, seeds=range(200))
    assert average.is_monotonic_increasing
    assert average.iloc[0] == pytest.approx(10.0)  # all random: 100 x 100 / 1000 = 10 in every population
    flat = average_targeting_curve(100, range(0, 101, 25), separation=0, seeds=range(200))
    assert (flat - 10.0).abs().max() < 1.0


@pytest.mark.parametrize("bad", [-1, 0, float("nan"), float("inf"), 1e308, "", "   ", "abc", "12abc", None, [5],
                                 True, 2.5])
def test_bad_budget_gives_a_message(bad):
    with pytest.raises(InputProblem, match="Inspection budget"):
        simulate_inspections(bad, 50)


@pytest.mark.parametrize("bad", [-5, 101, float("nan"), "half", "", None])
def test_bad_targeting_gives_a_message(bad):
    with pytest.raises(InputProblem, match="Share targeted by credit score"):
        simulate_inspections(100, bad)


@pytest.mark.parametrize("kwargs, words", [
    ({"firms": 5}, "Number of firms"), ({"firms": "many"}, "Number of firms"),
    ({"violator_pct": -1}, "Share of firms that violate"), ({"violator_pct": 150}, "Share of firms that violate"),
    ({"separation": -0.5}, "Score separation"), ({"separation": float("nan")}, "Score separation"),
    ({"seed": -1}, "Random seed"), ({"seed": 1.5}, "Random seed"),
])
def test_bad_model_parameters_give_messages(kwargs, words):
    with pytest.raises(InputProblem, match=words):
        simulate_inspections(100, 50, **kwargs)


def test_no_violators_no_shares_of_nobody():
    # 0% of 1,000 firms violate: no "share of the 0 violators"; 100 inspections all fall on the 1,000 compliant
    # firms, 100 / 1000 = 10.0%; the random benchmark is 100 x 0 / 1000 = 0.0.
    sentence = simulate_inspections(100, 50, violator_pct=0).sentence()
    assert "violators" not in sentence and "find 0 violations; 0 violations are missed" in sentence
    assert "100 inspections fall on compliant firms, 10.0% of all compliant firms" in sentence


def test_budget_above_the_number_of_firms_and_numpy_inputs():
    with pytest.raises(InputProblem, match="above 1000"):
        simulate_inspections(1001, 50)
    assert simulate_inspections(np.int64(100), np.float64(50)) == simulate_inspections(100, 50)
    with pytest.raises(InputProblem, match="make_firms"):
        inspect("firms", 10, 50)
    with pytest.raises(InputProblem, match="at least one seed"):
        average_targeting_curve(100, seeds=[])


def test_assumption_table_lists_every_parameter():
    table = InspectionSetup().assumptions()
    for name in ("firms in the zone", "firms that violate the rules", "score separation", "inspection budget",
                 "share targeted by credit score", "random seed", "detection", "behaviour"):
        assert name in table.index
    assert table.loc["firms in the zone", "value"] == "1,000"


def test_inspection_explorer_callbacks():
    ex = InspectionExplorer(average_over=20)
    assert ex.last.budget == 100 and ex.last.targeted == 50
    assert ex.last == simulate_inspections(100, 50)
    assert len(ex.output.outputs) == 2  # chart and its text alternative
    assert "correlation" not in ex.chart.alt  # never explained to the student (walkthrough)
    assert ex.output.outputs[1]["data"]["text/plain"].startswith("Text alternative: " + MODEL_TAG)
    assert MODEL_TAG in ex.ax.get_title(loc="left")
    assert " ".join(ex.fig.get_supxlabel().split()) == MODEL_LINE  # wrapped to the width
    ex.budget.slider.value = 200
    assert ex.last.budget == 200 and ex.last.targeted == 100 and ex.budget.text.value == "200"
    ex.budget.text.value = "300"                       # typed twin
    assert ex.budget.value == 300 and ex.last.budget == 300
    before = ex.last
    for bad in ("0", "-3", "nan", "abc", "", "1e308"):
        ex.budget.text.value = bad
        assert ex.last == before and "Inspection budget" in ex.messages.last
    ex.targeting.text.value = "0"
    assert ex.last.targeted == 0 and ex.last == simulate_inspections(300, 0)
    # the budget box still shows "1e308": its message stays, naming the budget the result uses
    assert "the result uses the last good value, 300 inspections" in ex.messages.last
    ex.budget.text.value = "300"
    assert ex.messages.last == ""
    ex.targeting.slider.value = 100
    assert ex.last.targeted == 300 and "300 targeted" in ex.result.value
    assert ex.now.get_xdata()[0] == 100
    ex.separation.text.value = "0"
    assert ex.last.separation == 0 and "separation 0 SD" in ex.ax.get_title(loc="left")
    assert ex.last == simulate_inspections(300, 100, separation=0)
    ex.separation.text.value = "<script>alert(1)</script>"
    assert "<script>" not in ex.messages.widget.value and ex.last.separation == 0


# ---------------------------------------------------------------------------------------------
# Teaching model B: sequential counters vs one window
# ---------------------------------------------------------------------------------------------

def test_service_times_worked_by_hand_without_waiting():
    # No waiting (mean wait 0): 5 steps of 0.5 days, 4 hand-offs of 1 day.
    # Sequential = 5 x 0.5 + 4 x 1 = 6.5; one window (back office in sequence) = 5 x 0.5 = 2.5;
    # in parallel = one service time = 0.5.
    r = simulate_service(5, 1.0, mean_wait=0, service=0.5, applicants=3)
    assert r.sequential.tolist() == [6.5, 6.5, 6.5] and r.one_window.tolist() == [2.5, 2.5, 2.5]
    p = simulate_service(5, 1.0, mean_wait=0, service=0.5, applicants=3, back_office="in parallel")
    assert p.one_window.tolist() == [0.5, 0.5, 0.5]


def test_service_times_match_an_independent_rebuild():
    # Waits are standard exponential draws (applicants x 12 counters) times the mean wait.
    draws = np.random.default_rng(6).standard_exponential((4, MAX_STEPS))
    r = simulate_service(3, 1.0, mean_wait=2.0, service=0.5, applicants=4, seed=6)
    for i in range(4):
        waits = [2.0 * draws[i, j] for j in range(3)]
        assert r.sequential[i] == pytest.approx(sum(waits) + 3 * 0.5 + 2 * 1.0)
        assert r.one_window[i] == pytest.approx(waits[0] + 3 * 0.5)


def test_service_means_near_theory():
    # Expected sequential = steps x (wait + service) + (steps - 1) x hand-off = 6 x 2.5 + 5 x 1 = 20.0 days;
    # expected one window = wait + steps x service = 2 + 3 = 5.0 days. 500 applicants: sampling error of the
    # sequential mean is about 2 x sqrt(6) / sqrt(500) = 0.22 days, so allow 3 standard errors.
    table = simulate_service(6, 1.0).summary()
    assert table.loc["sequential counters", "mean"] == pytest.approx(20.0, abs=0.7)
    assert table.loc["one window", "mean"] == pytest.approx(5.0, abs=0.3)
    assert simulate_service(6, 1.0).sentence() == simulate_service(6, 1.0).sentence()  # seeded: stable


@pytest.mark.parametrize("seed", [0, 1, 6])
@pytest.mark.parametrize("back_office", ["in sequence", "in parallel"])
def test_one_window_never_slower_and_sequential_monotone(seed, back_office):
    for handoff in (0, 0.5, 1, 5):
        previous = None
        for steps in range(1, MAX_STEPS + 1):
            r = simulate_service(steps, handoff, seed=seed, back_office=back_office, applicants=200)
            assert (r.one_window <= r.sequential + 1e-12).all()
            if previous is not None:
                assert (r.sequential >= previous.sequential).all()
            previous = r
    for steps in (1, 4, 12):
        times = [simulate_service(steps, h, seed=seed, applicants=200).sequential for h in (0, 0.5, 1, 5)]
        assert all((b >= a).all() for a, b in zip(times, times[1:]))


def test_one_step_means_no_difference():
    # One step: one wait and one service either way, no hand-off.
    r = simulate_service(1, 3.0)
    assert np.array_equal(r.sequential, r.one_window)


@pytest.mark.parametrize("bad", [0, -1, 13, 2.5, float("nan"), float("inf"), 1e308, "", "abc", None, [3], True])
def test_bad_steps_give_a_message(bad):
    with pytest.raises(InputProblem, match="Number of steps"):
        simulate_service(bad, 1.0)


@pytest.mark.parametrize("kwargs, words", [
    ({"handoff": -1}, "Hand-off time"), ({"handoff": "soon"}, "Hand-off time"),
    ({"handoff": float("nan")}, "Hand-off time"), ({"mean_wait": -2}, "Average wait"),
    ({"service": 1e308}, "Service time"), ({"applicants": 0}, "Applicants"),
    ({"seed": "x"}, "Random seed"), ({"back_office": "sideways"}, "Back office"),
    ({"back_office": ["in sequence"]}, "Back office"),
])
def test_bad_service_parameters_give_messages(kwargs, words):
    args = {"steps": 6, "handoff": 1.0, **kwargs}
    steps, handoff = args.pop("steps"), args.pop("handoff")
    with pytest.raises(InputProblem, match=words):
        simulate_service(steps, handoff, **args)


def test_service_assumptions_table():
    table = ServiceSetup().assumptions()
    assert {"steps to open a business", "wait at a counter", "service time per step", "hand-off between counters",
            "random seed"} <= set(table.index)


def test_service_assumptions_state_only_the_back_office_in_use():
    """A student walkthrough: the default table brought in "in parallel", which the core never uses."""
    default = ServiceSetup().assumptions().to_string()
    assert "in parallel" not in default and "first wait + steps × service" in default
    parallel = ServiceSetup(back_office="in parallel").assumptions().to_string()
    assert "in sequence" not in parallel and "first wait + one service time" in parallel


def test_inspection_assumptions_speak_plainly():
    """A policy student stumbled on "standard normal" and "standard deviations" in the assumptions table."""
    table = InspectionSetup().assumptions().to_string()
    assert "standard normal" not in table and "standard deviations" not in table


def test_budget_slider_stops_on_round_budgets():
    """A student could not drag the budget to the 100 and 900 the Question asks for: a slider from 1 in steps
    of 10 stops on 1, 11, ..., 91, 101, ..., 891, 901."""
    slider = InspectionExplorer(average_over=2).budget.slider
    stops = range(slider.min, slider.max + 1, slider.step)
    assert 100 in stops and 900 in stops and slider.value in stops


def test_service_assumptions_speak_plainly():
    """A student stumbled on "exponential" for the waits: say what it means for an applicant."""
    table = ServiceSetup().assumptions().to_string()
    assert "exponential" not in table and "most waits short, a few very long" in table


def test_service_explorer_callbacks():
    ex = ServiceExplorer()
    assert ex.last.steps == 6 and ex.last.handoff == 1.0
    assert len(ex.output.outputs) == 2 and MODEL_TAG in ex.ax.get_title(loc="left")
    assert " ".join(ex.fig.get_supxlabel().split()) == MODEL_LINE  # wrapped to the width
    ex.steps.slider.value = 1
    assert ex.last.steps == 1 and np.array_equal(ex.last.sequential, ex.last.one_window)
    ex.steps.text.value = "10"
    assert ex.steps.value == 10 and ex.last.steps == 10 and "10 steps" in ex.result.value
    ex.handoff.text.value = "2.5"
    assert ex.last.handoff == 2.5 and "hand-off 2.5 working days" in ex.ax.get_title(loc="left")
    before = ex.last
    for bad in ("-1", "nan", "inf", "", "abc", "6"):
        ex.handoff.text.value = bad
        assert ex.last is before and "Hand-off time" in ex.messages.last
    ex.steps.text.value = "0"
    assert ex.last is before and "Steps" in ex.messages.last
    assert "Text alternative: " + MODEL_TAG in ex.output.outputs[1]["data"]["text/plain"]
    # The bands are redrawn, not stacked: one band per process after several updates (+ the legend's swatch).
    assert len(ex.ax.collections) == 3


# ---------------------------------------------------------------------------------------------
# Dates for the timeline chart and the "one every three working days" check
# ---------------------------------------------------------------------------------------------

def test_date_span_keeps_the_precision():
    from qianhai.governance import date_span
    assert date_span("2014") == (pd.Timestamp(2014, 1, 1), pd.Timestamp(2014, 12, 31))
    assert date_span("2021-08") == (pd.Timestamp(2021, 8, 1), pd.Timestamp(2021, 8, 31))
    assert date_span("2024-02") == (pd.Timestamp(2024, 2, 1), pd.Timestamp(2024, 2, 29))  # leap year
    assert date_span("2011-09-05") == (pd.Timestamp(2011, 9, 5), pd.Timestamp(2011, 9, 5))
    for bad in ("", "2011/09/05", "soon", None, "2021-13", "2021-02-30"):
        with pytest.raises(InputProblem, match="Date"):
            date_span(bad)


def test_weekdays_between_by_hand():
    from qianhai.governance import weekdays_between
    # 1 Jan 2024 was a Monday: Monday 1 to Sunday 7 January holds 5 weekdays; to Monday 8, 6.
    assert weekdays_between("2024-01-01", "2024-01-07") == 5
    assert weekdays_between("2024-01-01", "2024-01-08") == 6
    assert weekdays_between("2024-01-06", "2024-01-06") == 0  # a Saturday
    with pytest.raises(InputProblem, match="comes before"):
        weekdays_between("2024-01-08", "2024-01-01")


def test_pace_check_counts_from_the_exact_launch_day_and_from_2010():
    import json
    from pathlib import Path
    from qianhai.governance import weekdays_between
    zones = load("qianhai_zones").set_index("zone_id")
    assert f"{zones.loc['qianhai_shekou_ftz_area', 'valid_from']:%Y-%m-%d}" == "2015-04-21"
    assert f"{zones.loc['qianhai_coop_zone_2010', 'valid_from']:%Y-%m-%d}" == "2010-08-26"
    # By hand: Tue 21 Apr 2015 to Mon 20 Apr 2021 is 2,192 days (two leap days) = 313 weeks + 1 weekday
    # = 1,566; Wed 21 Apr to Sun 1 Aug 2021 is 103 days = 14 weeks + Wed-Sun = 70 + 3; total 1,639.
    # To Tue 31 Aug add 2-31 Aug: 4 weeks + Mon, Tue = 22, so 1,661.
    assert weekdays_between("2015-04-21", "2021-08-01") == 1639
    assert weekdays_between("2015-04-21", "2021-08-31") == 1661
    # Thu 26 Aug 2010 to Tue 25 Aug 2020 is 3,653 days = 521 weeks + Thu-Tue = 2,605 + 4; Wed 26 Aug 2020
    # to Sun 1 Aug 2021 is 341 days = 48 weeks + Wed-Sun = 240 + 3; total 2,852, and 2,874 to 31 Aug.
    assert weekdays_between("2010-08-26", "2021-08-01") == 2852
    assert weekdays_between("2010-08-26", "2021-08-31") == 2874
    cells = json.loads(Path("notebooks/06_governance.ipynb").read_text(encoding="utf-8"))["cells"]
    pace = next("".join(c["source"]) for c in cells if c["cell_type"] == "code" and "weekdays_between(" in "".join(c["source"]))
    assert "qianhai_shekou_ftz_area" in pace and "qianhai_coop_zone_2010" in pace  # read from the data, not typed


def test_not_found_in_governance_descriptor():
    # Qianhai-specific credit data were found (GD01, the FTZ's own case page): no longer listed as not found.
    assert not_found_dimensions(resource("governance_facts")) == [
        "any measured government-service times", "one-window (一窗) reform figures"]


@pytest.mark.parametrize("budget, separation, violator_pct", [(100, 1.5, 10), (37, 0.0, 3), (1000, 4.0, 50)])
def test_average_curve_is_the_mean_of_each_populations_expected_count(budget, separation, violator_pct):
    """The average (all seeds at once) equals, share by share, the mean over seeds of expected_found on the
    population make_firms draws for that seed: the formula H + (b − t)(V − H)/(N − t), one population at a time."""
    shares = range(0, 101, 10)
    curve = average_targeting_curve(budget, shares, violator_pct=violator_pct, separation=separation, seeds=range(12))
    for share in shares:
        one_by_one = [expected_found(make_firms(1000, violator_pct, separation, seed), budget,
                                     targeted_count(budget, float(share))) for seed in range(12)]
        assert curve[float(share)] == pytest.approx(sum(one_by_one) / 12, rel=1e-12, abs=1e-12)


def test_credit_timeline_names_every_milestone_with_its_date_from_the_data():
    from qianhai.governance import credit_timeline
    chart = credit_timeline(load("statutory_body_facts"), load("governance_facts").set_index("fact_id"),
                            resource("claims"))
    # Dates as the CSV rows state them: statutory_body_facts basis_regulations_2011 (adopted 27 Jun 2011),
    # governance_facts credit_outline_2014 ("2014", known to the year), credit_necips_2019 ("2019-07", to the month).
    for expected in ("Qianhai Regulations 2011-06-27", "State Council credit outline 2014",
                     "credit register made a key network 2019-07"):
        assert expected in chart.alt
    assert "\n" not in chart.alt


def test_credit_timeline_puts_each_label_on_its_own_lane_beside_its_marker():
    """A student read the credit register's label (drawn below its bar) as belonging to the Qianhai lane, and
    found Order No. 232's label far below its dot: each label must lie wholly on its own lane's side of the
    line halfway between the lanes, within 12 points of its marker unless a line ties it to the marker, and
    clear of every other label."""
    from qianhai.governance import credit_timeline
    chart = credit_timeline(load("statutory_body_facts"), load("governance_facts").set_index("fact_id"),
                            resource("claims"))
    fig = chart.figure
    ax = fig.axes[0]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    lane_y = [ax.transData.transform((0, row))[1] for row in (0, 1)]  # pixels
    halfway = sum(lane_y) / 2
    labels = [text for text in ax.texts if text.get_text() != " the article"]
    assert len(labels) == 6  # three milestones a lane
    boxes, leaders = [], []
    for label in labels:
        box = Text.get_window_extent(label, renderer)  # the words alone: an Annotation's own adds its line
        row = int(round(label.xy[1]))
        own = lane_y[row]
        assert (box.y0 >= halfway) if row == 1 else (box.y1 <= halfway), label.get_text()
        gap_points = max(box.y0 - own, own - box.y1, 0) * 72 / fig.dpi
        assert gap_points <= 12 or label.arrow_patch is not None, label.get_text()
        boxes.append(box)
        leaders.append(label.arrow_patch.get_window_extent(renderer) if label.arrow_patch else None)
    # The article's marker label too: clear of the milestones' labels and lines; every label inside the figure.
    article = [text for text in ax.texts if text.get_text() == " the article"]
    assert len(article) == 1
    boxes.append(Text.get_window_extent(article[0], renderer))
    leaders.append(None)
    for i, box in enumerate(boxes):
        assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1 and fig.bbox.y0 <= box.y0 and box.y1 <= fig.bbox.y1
        for j, other in enumerate(boxes):
            assert i == j or not box.overlaps(other)
            assert i == j or leaders[j] is None or not box.overlaps(leaders[j])


def test_budget_chart_says_how_many_inspections_find_half_the_violators(capsys):
    from qianhai.governance import budget_chart
    # Four firms; firms 0 and 2 violate, so half the violators is 1. Lowest score first: firm 2 (-2.0), a
    # violator, so 1 targeted inspection finds 1. The random order visits firms 1 and 3 (compliant) before
    # firm 0 (a violator), so random inspection needs 3.
    score = np.array([0.1, 0.5, -2.0, 0.3])
    population = FirmPopulation(np.array([True, False, True, False]), score, np.argsort(score, kind="stable"),
                                np.array([1, 3, 0, 2]), separation=1.0, seed=0)
    budget_chart(population, 2)
    # On average B random inspections find B x 2 / 4 violators, so finding 1 takes B = 1 x 4 / 2 = 2.
    assert ("To find half the violators (1): 1 targeted inspections, 3 random ones for this seed (on average, "
            "2 random inspections find 1: the benchmark formula).") in capsys.readouterr().out


def test_full_table_shows_every_cell_whole():
    from qianhai.display import whole_text as full_table  # the course's one whole-text table
    long_text = "A public body set up and empowered by a specific law or regulation, " * 2  # 138 characters
    table = full_table(pd.DataFrame({"definition": [long_text]}, index=["statutory body"]))
    assert long_text.strip() in table._repr_html_() and "..." not in table._repr_html_()
    assert long_text.strip() in repr(table)


def test_inspection_chart_scale_tops_at_the_budget_not_far_above():
    """Neither line can pass the budget: at most every inspection finds a violation, or every one falls on a
    compliant firm. So the axis, steady for a budget whatever the other sliders do, needs to reach the budget
    and little more. At 900 it went to 1,500 and both lines sat flat at the bottom."""
    ex = InspectionExplorer(average_over=2)
    # budget 900: 900 x 1.05 = 945, the next of 1, 1.5, 2, 3, 5, 7.5 x 10^k at or above it is 1,000
    # budget 100: 100 x 1.05 = 105 -> 150; budget 10: 10.5 -> 15
    for budget, top in ((900, 1000), (100, 150), (10, 15)):
        ex.budget.text.value = str(budget)
        for separation in ("0", "4"):
            ex.separation.text.value = separation
            assert ex.ax.get_ylim() == (0, top)
            assert max(ex.burden_line.get_ydata()) <= budget and max(ex.found_line.get_ydata()) <= budget


def test_explorer_lines_follow_the_controls_back_and_forth():
    """The explorers keep the lines of each control value they have seen: going back to a value must draw
    that value's lines, as the public functions compute them afresh."""
    ex = InspectionExplorer(average_over=5)
    for budget, separation in [(200, 1.5), (100, 0.5), (200, 1.5)]:
        ex.budget.text.value, ex.separation.text.value = str(budget), str(separation)
        fresh = targeting_curve(make_firms(separation=separation), budget, range(0, 101, 5))
        assert list(ex.found_line.get_ydata()) == list(fresh["found"])
        assert list(ex.burden_line.get_ydata()) == list(fresh["compliant_inspected"])
        assert list(ex.average_line.get_ydata()) == pytest.approx(list(average_targeting_curve(
            budget, range(0, 101, 5), separation=separation, seeds=range(5))))
    service = ServiceExplorer()
    for handoff in ("2.5", "0", "2.5"):
        service.handoff.text.value = handoff
        runs = [simulate_service(steps, float(handoff)) for steps in range(1, MAX_STEPS + 1)]
        assert list(service.seq_line.get_ydata()) == pytest.approx([np.mean(r.sequential) for r in runs])
        assert list(service.win_line.get_ydata()) == pytest.approx([np.mean(r.one_window) for r in runs])
        top = service.seq_band.get_paths()[0].vertices[:, 1].max()  # the band's upper edge is the 90th percentile
        assert top == pytest.approx(max(np.percentile(r.sequential, 90) for r in runs))


def test_a_date_that_does_not_exist_says_why():
    from qianhai.governance import date_span

    with pytest.raises(InputProblem, match="February 2021 has 28 days"):
        date_span("2021-02-30")


def _notebook06_cells() -> list[dict]:
    import json
    from pathlib import Path
    return json.loads(Path("notebooks/06_governance.ipynb").read_text(encoding="utf-8"))["cells"]


def test_notebook06_weak_row_list_counts_rows_not_dimensions(capsys):
    """Section 1 prints "N of M rows, on ..."; a dimension with several weak rows shows its count
    ("functions (2 rows)"), so the listed names add up to N."""
    import re
    cells = [c for c in _notebook06_cells() if c["cell_type"] == "code"]
    code = ["".join(c["source"]) for c in cells]
    namespace: dict = {}
    for source in code:
        exec(source, namespace)  # the imports and loads, then the table and its counts
        if "rows_on_weak_sources(" in source and "print(" in source:
            break
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("Resting only on copies"))
    total, listed = re.match(r".*: (\d+) of \d+ rows, on (.*)\.$", line).groups()
    counts = [int(m.group(1)) if (m := re.search(r" \((\d+) rows\)$", name)) else 1 for name in listed.split("; ")]
    assert sum(counts) == int(total)
    assert "functions (2 rows)" in listed  # by hand: statutory_body_facts has two functions rows, both on copies


def test_notebook06_names_the_rows_and_the_second_source_of_the_bureau_contrast():
    body = load("statutory_body_facts")
    contrast = body[body["ordinary_bureau"].notna()]
    text = next("".join(c["source"]) for c in _notebook06_cells()
                if c["cell_type"] == "markdown" and "the only contrast with an ordinary bureau" in "".join(c["source"]))
    for dimension in contrast["dimension"]:
        assert dimension.replace("_", " ") in text
    for source_id in set(contrast["source_id"]) | set(contrast["second_source_id"].dropna()):
        assert source_id in text


def test_notebook06_explains_every_partly_supported_verdict_with_its_rule():
    # A student walking 06 met C19 "partly supported" (rule self_reported) with no word on why.
    claims = load("claims")
    partly = claims[(claims["notebook"] == "06_governance") & (claims["verdict"] == "partly supported")]
    cells = _notebook06_cells()
    at = next(i for i, c in enumerate(cells) if "verdicts_note(" in "".join(c["source"]))
    after = " ".join("".join(c["source"]) for c in cells[at + 1:] if c["cell_type"] == "markdown").split("## Key points")[0]
    for claim in partly.itertuples():
        assert claim.claim_id in after, f"{claim.claim_id}'s verdict is not explained under the verdicts"
    assert "self reported" in after


def test_notebook06_says_what_a_seed_is_before_the_model_uses_one():
    cells = _notebook06_cells()
    at = next(i for i, c in enumerate(cells) if "setup_a.assumptions()" in "".join(c["source"]))
    before = " ".join("".join(c["source"]) for c in cells[:at] if c["cell_type"] == "markdown")
    assert "seed is" in before and "standard deviation" in before


def test_targeting_curve_without_shares_says_what_to_give():
    with pytest.raises(InputProblem, match="at least one targeting share"):
        targeting_curve(make_firms(seed=6), 100, [])


def test_a_service_result_records_its_settings():
    # notebook 06 compares back offices in parallel and in sequence: the result says which one it used
    result = simulate_service(back_office="in parallel")
    assert result.back_office == "in parallel" and isinstance(result.seed, int)
