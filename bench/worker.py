"""One benchmark run against one database, in its own process (`python -m bench.worker`).

The parent (`python -m bench`) starts one of these per database with DATABASE_URL set, so each
run has its own Django settings. It prints nothing but progress on stderr and writes its figures
as JSON to the file named by --out.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import statistics
import sys
import time
from collections import Counter, defaultdict

# The exit status that tells `python -m bench` the data predates what the bench measures (the
# generated front-door history is missing): it throws the database away and runs again.
STALE_EXIT = 3


def log(message: str) -> None:
    print(f"  [{os.environ.get('BENCH_LABEL', 'bench')}] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values fall (nearest rank)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]


class Clusters:
    """Records known to be one person (planted pairs joined up, so chains count too)."""

    def __init__(self, pairs):
        self.parent = {}
        for a, b in pairs:
            self.parent[self.find(a)] = self.find(b)

    def find(self, x):
        root = x
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while self.parent.get(x, x) != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def same(self, a, b) -> bool:
        return a == b or self.find(a) == self.find(b)


def ensure_data(*, scale: float, seed: int) -> dict:
    """The synthetic authority for this scale and seed: reused when present, else generated."""
    from django.core.management import call_command

    from onestory.people.models import Person
    from onestory.synthetic.models import PlantedDuplicate, SyntheticRun

    run = SyntheticRun.objects.filter(seed=seed, scale=scale).order_by("-generated_at").first()
    if run is not None and Person.objects.exists():
        if generator_makes_contacts() and not synthetic_contacts().exists():
            log(
                f"the synthetic authority made on {run.generated_at:%d %b %Y %H:%M} has no "
                "front-door history (no generated contacts), and `onestory synth` now makes "
                "it: this data is stale"
            )
            sys.exit(STALE_EXIT)
        log(f"reusing the synthetic authority made on {run.generated_at:%d %b %Y %H:%M}")
        return {"reused": True, "generate_seconds": run.seconds}
    if Person.objects.exists():
        raise SystemExit(
            "The benchmark database holds other data (another scale or seed). "
            "Run `python -m bench --fresh` to start again."
        )
    started = time.perf_counter()
    log(f"generating with `onestory synth --scale {scale} --seed {seed}` (first run only)")
    call_command("synth", scale=scale, seed=seed)
    seconds = time.perf_counter() - started
    log(f"generated in {seconds:.0f} s; {PlantedDuplicate.objects.count()} planted duplicates")
    if generator_makes_contacts() and not synthetic_contacts().exists():
        log("WARNING: `onestory synth` made no front-door contacts; the next run generates again")
    return {"reused": False, "generate_seconds": seconds}


def generator_makes_contacts() -> bool:
    """Whether `onestory synth` generates front-door history (contacts, decisions, referrals)."""
    return importlib.util.find_spec("onestory.synthetic.contacts") is not None


def synthetic_contacts():
    from bench.frontdoor import synthetic_contacts as contacts

    return contacts()


def build_queries(*, count: int, seed: int) -> tuple[list[dict], list]:
    """The planted duplicates' details, typed as a screener would: name, date of birth, postcode."""
    from onestory.people.models import Address, Person
    from onestory.synthetic.models import PlantedDuplicate

    planted = list(
        PlantedDuplicate.objects.values_list("original_id", "duplicate_id", "variations")
    )
    rng = random.Random(seed)
    chosen = rng.sample(planted, min(count, len(planted)))
    duplicates = {p.pk: p for p in Person.objects.filter(pk__in=[d for _, d, _ in chosen])}
    postcodes = {}
    for person_id, postcode, valid_to in Address.objects.filter(
        person_id__in=list(duplicates)
    ).values_list("person_id", "postcode", "valid_to"):
        if valid_to is None or person_id not in postcodes:
            postcodes[person_id] = postcode
    queries = []
    for original_id, duplicate_id, variations in chosen:
        person = duplicates[duplicate_id]
        queries.append(
            {
                "original": original_id,
                "duplicate": duplicate_id,
                "variations": variations,
                "typed": {
                    "given_name": person.given_name,
                    "family_name": person.family_name,
                    "date_of_birth": person.date_of_birth,
                    "postcode": postcodes.get(duplicate_id, ""),
                },
            }
        )
    return queries, planted


def bench_worker():
    from onestory.workforce.models import Worker
    from onestory.workforce.rules import Role

    worker, _ = Worker.objects.get_or_create(
        username="bench-front-door",
        defaults={"role": Role.FRONT_DOOR, "first_name": "Bench", "last_name": "Screener"},
    )
    return worker


def measure_search(*, queries: list[dict], planted: list, show_misses: int) -> dict:
    from onestory.core.clock import now
    from onestory.people import match_rules, matching

    user = bench_worker()
    clusters = Clusters((a, b) for a, b, _ in planted)
    prepared = [matching.prepare_query(**q["typed"]) for q in queries]
    for query in prepared[:20]:  # warm caches and connections; not counted
        matching.known_to_us(user, query, now=now())

    latencies = []
    load_before = os.getloadavg()[0]
    for query in prepared:
        started = time.perf_counter()
        matching.known_to_us(user, query, now=now())
        latencies.append((time.perf_counter() - started) * 1000)
    # Other work on the machine stretches the slowest searches: the load is kept with the figures.
    machine_load = {"before": load_before, "after": os.getloadavg()[0], "cpus": os.cpu_count()}

    found_top3 = 0
    likely_true = likely_false = 0
    by_variation: dict = defaultdict(lambda: [0, 0])
    candidates_seen = []
    misses = []
    false_likely = []
    for q, query in zip(queries, prepared, strict=True):
        candidates_seen.append(len(matching.candidate_ids(query)))
        results = matching.search(query)
        top = [r.person_id for r in results[:3]]
        hit = q["original"] in top
        found_top3 += hit
        for variation in q["variations"] or ["none"]:
            by_variation[variation][0] += hit
            by_variation[variation][1] += 1
        if not hit and len(misses) < show_misses:
            original = next((r for r in results if r.person_id == q["original"]), None)
            misses.append(
                {
                    "variations": q["variations"],
                    "original_rank": results.index(original) + 1 if original else None,
                    "original_reasons": [r.text for r in original.match.reasons]
                    if original
                    else None,
                    "typed": {k: str(v) for k, v in q["typed"].items()},
                }
            )
        for r in results:
            if r.match.band != match_rules.LIKELY:
                continue
            if clusters.same(r.person_id, q["duplicate"]):
                likely_true += 1
            else:
                likely_false += 1
                if len(false_likely) < show_misses:
                    false_likely.append(
                        {
                            "typed": {k: str(v) for k, v in q["typed"].items()},
                            "found": r.full_name,
                            "born": str(r.date_of_birth),
                            "score": r.match.score,
                            "reasons": [x.text for x in r.match.reasons],
                        }
                    )
    likely_total = likely_true + likely_false
    return {
        "queries": len(queries),
        "latency_ms": {
            "p50": percentile(latencies, 0.50),
            "p95": percentile(latencies, 0.95),
            "p99": percentile(latencies, 0.99),
            "mean": statistics.fmean(latencies) if latencies else float("nan"),
        },
        "machine_load": machine_load,
        "recall_top3": found_top3 / len(queries) if queries else float("nan"),
        "precision_likely": likely_true / likely_total if likely_total else float("nan"),
        "likely_results": likely_total,
        "candidates_per_query": {
            "p50": percentile(candidates_seen, 0.5),
            "max": max(candidates_seen, default=0),
        },
        "recall_by_variation": {k: round(v[0] / v[1], 4) for k, v in sorted(by_variation.items())},
        "variation_counts": {k: v[1] for k, v in sorted(by_variation.items())},
        "misses": misses,
        "false_likely": false_likely,
    }


def measure_batch(*, planted: list) -> dict:
    """The batch search for possible duplicates, without writing to the queue."""
    from onestory.people.matching import DuplicateSearchCounts, find_duplicate_pairs

    clusters = Clusters((a, b) for a, b, _ in planted)
    counts = DuplicateSearchCounts()
    started = time.perf_counter()
    found = set()
    true_pairs = 0
    for a, b, _match in find_duplicate_pairs(counts=counts):
        found.add((a, b))
        true_pairs += clusters.same(a, b)
    seconds = time.perf_counter() - started
    planted_found = sum(((min(a, b), max(a, b)) in found) for a, b, _ in planted)
    return {
        "seconds": seconds,
        "people": counts.people,
        "pairs_scored": counts.pairs_compared,
        "pairs_queued": len(found),
        "blocks_too_large": counts.blocks_too_large,
        "planted_pairs_found": planted_found / len(planted) if planted else float("nan"),
        "queued_pairs_true": true_pairs / len(found) if found else float("nan"),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", required=True)
    parser.add_argument("--scale", type=float, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--queries", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--batch", action="store_true")
    parser.add_argument("--show-misses", type=int, default=0)
    parser.add_argument(
        "--search",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="time Known to us? (--no-search: the front door only)",
    )
    parser.add_argument("--frontdoor", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--frontdoor-clients", type=int, default=4)
    parser.add_argument("--frontdoor-contacts", type=int, default=50)
    parser.add_argument("--queue-renders", type=int, default=200)
    parser.add_argument("--queue-extra", type=int, default=300)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["BENCH_LABEL"] = args.label
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from onestory.people.models import Person

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    data = ensure_data(scale=args.scale, seed=args.seed)
    # Planner statistics, as a live database keeps them (PostgreSQL's autovacuum; on SQLite an
    # ANALYZE after a bulk load): without them SQLite picks poor indexes for some look-ups.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    people = Person.objects.count()
    result = {"label": args.label, "vendor": connection.vendor, "people": people, **data}
    if args.search:
        queries, planted = build_queries(count=args.queries, seed=args.seed)
        if not queries:
            raise SystemExit("The synthetic authority has no planted duplicates to search for.")
        log(f"{people} people; timing {len(queries)} searches")
        result["search"] = measure_search(
            queries=queries, planted=planted, show_misses=args.show_misses
        )
        if args.batch:
            log("timing the batch search for possible duplicates")
            result["batch"] = measure_batch(planted=planted)
        result["variations_planted"] = dict(Counter(v for _, _, vs in planted for v in vs))
    if args.frontdoor:
        from bench import frontdoor

        try:
            result["frontdoor"] = frontdoor.measure(
                vendor=connection.vendor,
                seed=args.seed,
                clients=args.frontdoor_clients,
                per_client=args.frontdoor_contacts,
                renders=args.queue_renders,
                queue_extra=args.queue_extra,
            )
        except (Exception, SystemExit) as error:  # the search figures are still worth keeping
            import traceback

            log(f"the front-door benchmark stopped: {type(error).__name__}: {error}")
            result["frontdoor"] = {
                "error": f"{type(error).__name__}: {error}",
                "traceback": traceback.format_exc()[-3000:],
            }
    result["seconds"] = time.perf_counter() - started
    with open(args.out, "w") as handle:
        json.dump(result, handle, default=str, indent=2)


if __name__ == "__main__":
    main()
