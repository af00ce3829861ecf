"""The soundness fuzzer's long run: thousands of pairs of known truth through `qedcheck verify`.

    python benchmarks/fuzz.py --pairs 5000 --seed 1 --jobs 2 [--timeout 5] [--small] [--category NAME ...]

Prints the number of pairs, every unsound verdict (a false claim `proved` or `numeric-only`, a true
claim `refuted`) with its name, category and expressions, the undecided rate (`timeout`, `error`,
`numeric-only` on a true claim), the pairs the judge could not settle, and the time. Exit status 1
when any verdict is unsound. The generator and the judge live in tests/soundness/ (see its
__init__.py); the in-suite run at a fixed seed is tests/test_soundness_fuzz.py.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from soundness import generator, harness


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=5.0, help="symbolic budget per pair (qedcheck --timeout)")
    parser.add_argument("--small", action="store_true", help="shallow expressions, as the in-suite test uses")
    parser.add_argument("--category", action="append", choices=sorted(generator.CATEGORIES),
                        help="only these categories (repeatable)")
    parser.add_argument("--batch", type=int, default=100, help="pairs per qedcheck run (at most 500)")
    parser.add_argument("--retry-timeout", type=float, default=None, metavar="SECONDS",
                        help="check the pairs that timed out once more with this budget (the in-suite test: 20)")
    parser.add_argument("--save", metavar="PATH", help="also write every outcome as JSON lines to PATH (batch by batch)")
    args = parser.parse_args(argv)
    if args.pairs < 1 or args.jobs < 1 or not 0 < args.timeout <= 60 or not 1 <= args.batch <= 500:
        parser.error("--pairs, --jobs and --batch must be positive, --timeout in (0, 60]")

    started = time.perf_counter()
    pairs = generator.generate(args.seed, args.pairs, args.category, small=args.small)
    report = harness.Report()
    if args.save:
        open(args.save, "w").close()
    for start in range(0, len(pairs), args.batch):
        chunk = harness.run(pairs[start:start + args.batch], jobs=args.jobs, timeout=args.timeout, seed=0,
                            retry_timeout=args.retry_timeout)
        report.outcomes.extend(chunk.outcomes)
        if args.save:  # batch by batch: a long run stopped early still leaves its figures
            save(chunk, args.save)
        done = min(start + args.batch, len(pairs))
        print(f"  {done}/{len(pairs)} pairs, {len(report.of_kind('unsound'))} unsound so far "
              f"({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - started
    print(summary(report, args, elapsed))
    return 1 if report.of_kind("unsound") else 0


def save(report: harness.Report, path: str) -> None:
    import json

    with open(path, "a", encoding="utf-8") as out:
        for o in report.outcomes:
            p = o.pair
            out.write(json.dumps({"name": p.name, "category": p.category, "truth": p.truth, "kind": o.kind,
                                  "verdict": o.verdict, "symbols": dict(p.symbols), "lhs": p.lhs_text,
                                  "rhs": p.rhs_text, "where": p.where, "why": p.why, "judge": o.judgement.label,
                                  "judge_detail": o.judgement.detail, "message": o.message}) + "\n")


def summary(report: harness.Report, args, elapsed: float) -> str:
    kinds = Counter(o.kind for o in report.outcomes)
    judged = len(report.outcomes) - kinds["unjudged"] - kinds["mismatch"] - kinds["invalid"]
    verdicts = Counter(o.verdict for o in report.outcomes)
    lines = [(f"soundness fuzzer: {len(report.outcomes)} pairs, seed {args.seed}, jobs {args.jobs}, "
              f"timeout {args.timeout:g} s{', small' if args.small else ''}"),
             f"time: {elapsed:.0f} s ({elapsed / max(1, len(report.outcomes)):.2f} s per pair)",
             f"verdicts: {dict(sorted(verdicts.items()))}",
             (f"judged pairs: {judged}; unsound: {kinds['unsound']}; decided: {kinds['decided']}; "
              f"undecided: {kinds['undecided']} ({kinds['undecided'] / max(1, judged):.1%} of judged)"),
             (f"not counted: {kinds['unjudged']} unjudged (judge could not settle), {kinds['mismatch']} judge "
              f"contradicts the construction, {kinds['invalid']} refused by the reader"),
             "", "per category (unsound / decided / undecided / unjudged+mismatch+invalid):"]
    for category, counts in sorted(report.by_category().items()):
        other = counts["unjudged"] + counts["mismatch"] + counts["invalid"]
        lines.append(f"  {category:28s} {counts['unsound']:4d} {counts['decided']:5d} {counts['undecided']:5d} {other:4d}")
    errors = Counter(_gist(o.message) for o in report.outcomes if o.verdict == "error")
    if errors:
        lines += ["", "error verdicts by message:"] + [f"  {n:4d}  {m}" for m, n in errors.most_common(12)]
    for kind, title in (("unsound", "UNSOUND VERDICTS"), ("mismatch", "JUDGE CONTRADICTS CONSTRUCTION"),
                        ("invalid", "REFUSED BY THE READER")):
        found = report.of_kind(kind)
        if found:
            lines += ["", f"{title} ({len(found)}):"] + [harness.describe(o) for o in found]
    return "\n".join(lines)


def _gist(message: str) -> str:
    """An error message without its numbers and paths, so equal causes count together."""
    import re

    return re.sub(r"[-+]?\d[\d.e+-]*", "N", message.split(":", 2)[-1] if ".toml:" in message else message)[:140]


if __name__ == "__main__":
    sys.exit(main())
