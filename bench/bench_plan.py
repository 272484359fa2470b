"""Benchmark building the plan (issue 13): the checklist ordered by the answers to the plan's questions.

Target: under 1 ms for any answers. Times make_plan over random full answer sets (fixed seed), alternating
each call with the reference: copying the checklist in its own order (what a session without questions
does), so the ratio shows what the rules cost. Prints the medians and the worst case over all 3^8 answer
sets.

Run: .venv/bin/python bench/bench_plan.py [rounds]
"""

from __future__ import annotations

import itertools
import random
import statistics
import sys
import time

from safetyhelper.content import load_content
from safetyhelper.model import ANSWERS
from safetyhelper.plan import make_plan


def main(rounds: int = 2000) -> None:
    pack = load_content()
    questions = [q.id for q in pack.plan.question]
    rng = random.Random(13)
    answer_sets = [{q: rng.choice(ANSWERS) for q in questions} for _ in range(rounds)]
    ours, reference = [], []
    for answers in answer_sets:
        t0 = time.perf_counter()
        make_plan(pack, answers)
        t1 = time.perf_counter()
        list(pack.items)
        t2 = time.perf_counter()
        ours.append(t1 - t0)
        reference.append(t2 - t1)
    worst = 0.0
    for values in itertools.product(ANSWERS, repeat=len(questions)):
        answers = dict(zip(questions, values))
        t0 = time.perf_counter()
        make_plan(pack, answers)
        worst = max(worst, time.perf_counter() - t0)
    med, ref = statistics.median(ours), statistics.median(reference)
    print(f"make_plan, {rounds} random answer sets: median {med * 1e6:.1f} µs (target < 1000 µs)")
    print(f"reference (the checklist in its own order): median {ref * 1e6:.2f} µs; ratio {med / ref:.0f}")
    print(f"worst of all {3 ** len(questions)} answer sets: {worst * 1e6:.1f} µs")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
