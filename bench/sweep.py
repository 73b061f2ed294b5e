"""Generalisation sweep: does identity resolution hold on populations it was not built on?

Runs ``muster.identity.dedupe`` (the public API, as ``muster match dedupe`` does) on populations
of many shapes (``muster.scenario.presets.SETTINGS``) x seeds x sizes, and on FEBRL 1-4, scores
pairwise precision / recall / F1 against the generator's truth, and prints per run and per size
the MINIMUM and the median F1 (never only a mean), time and peak memory.  Any Muster run below
F1 0.85 is a COLLAPSE: printed loudly, and the sweep exits with status 1.

Settings are split into a "tune" and a "judge" group: setting i (in SETTINGS' order) is judged
when i % FOLDS == ROTATE.  Tune the engine on the tune group, report the judge group, rotate.
``--drawn N`` adds N populations whose registers and shape are drawn at random
(``presets.drawn_setting``: nothing was ever tuned on them), summarised as their own group
"drawn" ("all" stays the named settings, so its figures compare across sessions).
Splink and recordlinkage (as bench/identity.py configures them) run in the same sweep at sizes
up to --peer-max.  Every run is its own process (peak memory is its own); runs are sequential,
data files are written atomically, so two sweeps may share bench/.cache.

    /work/benchvenv/bin/python bench/sweep.py --quick
    /work/benchvenv/bin/python bench/sweep.py --sizes 20000,200000 --seeds 1,2 --json out.json
    /work/benchvenv/bin/python bench/sweep.py --sizes 1000000 --seeds 1 --settings namesake,project
    /work/benchvenv/bin/python bench/sweep.py --rotate 1 --group judge
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from identity_metrics import cluster_scores  # noqa: E402

ROOT = Path(__file__).parent.parent
CACHE = ROOT / "bench" / ".cache" / "sweep"
COLLAPSE = 0.85
QUICK_SETTINGS = "project,namesake,sample_once,no_lineage"
IDENTITY_PY = str(Path(__file__).parent / "identity.py")
FEBRL_PY = str(Path(__file__).parent / "febrl.py")


# --------------------------------------------------------------------------- settings and groups


def settings_table(folds: int, rotate: int, drawn: int = 0) -> list[tuple[str, str, str]]:
    """(name, group, description) of every setting, in SETTINGS' order, then ``drawn`` settings
    drawn at random (``presets.drawn_setting``; group "drawn": never tuned on)."""
    from muster.scenario.presets import SETTINGS, drawn_setting

    return [
        (name, "judge" if i % folds == rotate else "tune", s.description)
        for i, (name, s) in enumerate(SETTINGS.items())
    ] + [(s.name, "drawn", s.description) for s in map(drawn_setting, range(1, drawn + 1))]


def _setting_digest(name: str) -> str:
    from muster.scenario.presets import setting_named

    return hashlib.sha256(repr(setting_named(name)).encode()).hexdigest()[:10]


# --------------------------------------------------------------------------- children


def child_generate(setting: str, size: int, seed: int, csv_path: Path, truth_path: Path) -> None:
    import pandas as pd

    from muster.scenario.presets import labelled_records
    from muster.scenario.sources import write_person_csv

    records, truth = labelled_records(setting, size, seed)
    tmp = csv_path.with_suffix(f".{os.getpid()}.tmp")
    write_person_csv(records, tmp)
    np.save(truth_path.with_suffix(f".{os.getpid()}.npy"), pd.factorize(np.array(truth))[0])
    truth_path.with_suffix(f".{os.getpid()}.npy").replace(truth_path)
    tmp.replace(csv_path)


def child_muster(csv_path: Path, out: Path, threads: int) -> None:
    """What a user runs: read the CSV, dedupe with the defaults, keep the clusters."""
    import muster.identity as mi

    t0 = time.perf_counter()
    records = mi.read_person_csv(csv_path)
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = mi.dedupe(records)
    seconds = time.perf_counter() - t0
    ids = [r["record_id"] for r in records]
    _, labels = np.unique(np.array([result.clusters[i] for i in ids]), return_inverse=True)
    np.savez(out, labels=labels)
    info = {
        "timings": {"load_csv": load, "dedupe": seconds, **dict(result.timings)},
        "candidate_pairs": int(result.candidate_pairs),
    }
    # Engines that report on their training (status, warnings) have it kept with the run.
    report = getattr(result, "report", None)
    if report is not None:
        info["model_status"] = str(getattr(report, "status", ""))
        info["model_reason"] = str(getattr(report, "reason", ""))
        info["warnings"] = [str(w) for w in getattr(report, "warnings", [])]
    Path(str(out) + ".json").write_text(json.dumps(info))


def _spawn(args: list[str], timeout: int, script: str = __file__) -> tuple[int, float, float, str]:
    """Run a bench script as a child (its chatter discarded); return (status, wall s, peak MB,
    stderr tail)."""
    err_path = CACHE / f"stderr.{os.getpid()}.txt"
    with open(err_path, "w") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, script, *args], stdout=subprocess.DEVNULL, stderr=err
        )
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                _, status, usage = os.wait4(proc.pid, 0)
                status = -9
                break
            time.sleep(0.1)
    wall = time.perf_counter() - start
    tail = err_path.read_text(errors="replace")[-4000:]
    err_path.unlink(missing_ok=True)
    return status, wall, usage.ru_maxrss / 1024, tail


# --------------------------------------------------------------------------- runs


def data_for(setting: str, size: int, seed: int, timeout: int) -> tuple[Path, Path, float]:
    CACHE.mkdir(parents=True, exist_ok=True)
    stem = f"{setting}_{size}_{seed}_{_setting_digest(setting)}"
    csv_path, truth_path = CACHE / f"{stem}.csv", CACHE / f"{stem}.truth.npy"
    if csv_path.exists() and truth_path.exists():
        return csv_path, truth_path, 0.0
    status, wall, _, tail = _spawn(
        ["--child", "generate", "--setting", setting, "--size", str(size), "--seed", str(seed),
         "--csv", str(csv_path), "--truth", str(truth_path)],
        timeout,
    )  # fmt: skip
    if status != 0:
        raise RuntimeError(f"generating {stem} failed (status {status}):\n{tail}")
    return csv_path, truth_path, wall


def run_muster(csv_path: Path, threads: int, timeout: int) -> dict:
    out = CACHE / f"muster_{csv_path.stem}.{os.getpid()}.npz"
    status, wall, peak, tail = _spawn(
        ["--child", "muster", "--csv", str(csv_path), "--result", str(out),
         "--threads", str(threads)],
        timeout,
    )  # fmt: skip
    if status != 0:
        last = tail.strip().splitlines()[-1] if tail.strip() else ""
        return {"error": f"exit status {status}" + (f": {last}" if last else "")}
    info = json.loads(Path(str(out) + ".json").read_text())
    info["labels"] = np.load(out)["labels"]
    out.unlink()
    Path(str(out) + ".json").unlink()
    info.update(wall=wall, peak_mb=peak)
    info["stderr_warnings"] = [
        line for line in tail.splitlines() if "warn" in line.lower() or "fall" in line.lower()
    ]
    return info


def run_peer(system: str, csv_path: Path, threads: int, timeout: int, febrl: bool) -> dict:
    """A peer in its own process: as bench/identity.py configures it for this project's records,
    or, on FEBRL, recordlinkage as its documentation's FEBRL example (bench/febrl.py)."""
    out = CACHE / f"{system}_{csv_path.stem}.{os.getpid()}.npz"
    if febrl:
        args, script = ["--peer", system, "--csv", str(csv_path), "--result", str(out)], FEBRL_PY
    else:
        args = ["--child", system, "--csv", str(csv_path), "--result", str(out),
                "--threads", str(threads)]  # fmt: skip
        script = IDENTITY_PY
    status, wall, peak, tail = _spawn(args, timeout, script)
    if status != 0:
        last = tail.strip().splitlines()[-1] if tail.strip() else ""
        return {"error": f"exit status {status}" + (f": {last[:200]}" if last else "")}
    info = json.loads(Path(str(out) + ".json").read_text())
    info["labels"] = np.load(out)["labels"]
    out.unlink()
    Path(str(out) + ".json").unlink()
    info.update(wall=wall, peak_mb=peak)
    return info


def in_process(setting: str, size: int, seed: int) -> dict:
    """Generate and dedupe in this process (``--in-process``): the records the child would read
    from its CSV, through the same public API, without the CSV round trip or a process start."""
    import resource

    import pandas as pd

    import muster.identity as mi
    from muster.scenario.presets import labelled_records

    records, truth = labelled_records(setting, size, seed)
    t0 = time.perf_counter()
    result = mi.dedupe(records)
    seconds = time.perf_counter() - t0
    ids = [r["record_id"] for r in records]
    _, labels = np.unique(np.array([result.clusters[i] for i in ids]), return_inverse=True)
    report = result.report
    info = {
        "labels": labels,
        "timings": {"dedupe": seconds, **dict(result.timings)},
        "candidate_pairs": int(result.candidate_pairs),
        "wall": seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "model_status": str(report.status) if report else "",
        "model_reason": str(report.reason) if report else "",
        "warnings": [str(w) for w in report.warnings] if report else [],
    }
    if report is not None and (
        getattr(report, "plain_shift", 0.0) or getattr(report, "plain_pair_shift", 0.0)
    ):
        info["warnings"].append(
            f"plain pairs' prior {report.plain_shift:+.2f} bits"
            + (f", plain-plain {report.plain_pair_shift:+.2f}"
               if hasattr(report, "plain_pair_shift") else "")
        )  # fmt: skip
    return score(info, pd.factorize(np.array(truth))[0])


def score(info: dict, truth: np.ndarray) -> dict:
    if "error" in info:
        return info
    s = cluster_scores(info["labels"], truth)
    seconds = info.get("timings", {}).get("dedupe")
    return {
        "precision": s["precision"],
        "recall": s["recall"],
        "f1": s["f1"],
        "bcubed_f1": s["bcubed_f1"],
        "true_pairs": s["true_pairs"],
        "predicted_pairs": s["predicted_pairs"],
        "wall_s": info["wall"],
        "dedupe_s": seconds,
        "peak_mb": info["peak_mb"],
        "candidate_pairs": info.get("candidate_pairs"),
        "warnings": info.get("warnings", []) + info.get("stderr_warnings", []),
        "model_status": info.get("model_status", ""),
        "model_reason": info.get("model_reason", ""),
    }


def fmt(run: dict) -> str:
    head = (
        f"{run['size']:>9,} {run['setting']:<15} {run['seed']:>4} {run['group']:<6} "
        f"{run['system']:<13}"
    )
    if "error" in run:
        return f"{head} ERROR {run['error']}"
    line = (
        f"{head} F1 {run['f1']:.4f} (P {run['precision']:.4f} / R {run['recall']:.4f})  "
        f"{run['wall_s']:7.1f} s {run['peak_mb']:7,.0f} MB  true pairs {run['true_pairs']:,.0f}"
    )
    if run["system"] == "muster" and run["f1"] < COLLAPSE:
        line += f"   <<<<<<<<<< COLLAPSE (F1 {run['f1']:.4f} < {COLLAPSE}) >>>>>>>>>>"
    if run.get("model_status"):
        line += f"   [model {run['model_status']}]"
    if run.get("warnings"):
        line += f"   [{len(run['warnings'])} warning(s): {run['warnings'][0][:120]}]"
    return line


def _in_group(run: dict, group: str) -> bool:
    """ "all" is the named settings (tune and judge); drawn populations are their own group."""
    return run["group"] == group or group == "all" and run["group"] in ("tune", "judge")


def summarise(runs: list[dict]) -> list[str]:
    lines = []
    sizes = sorted({r["size"] for r in runs if r["setting"] != "febrl"})
    systems = list(dict.fromkeys(r["system"] for r in runs))
    for size in sizes:
        for system in systems:
            for group in ("all", "tune", "judge", "drawn"):
                sel = [
                    r
                    for r in runs
                    if r["size"] == size
                    and r["system"] == system
                    and r["setting"] != "febrl"
                    and _in_group(r, group)
                ]
                ok = [r for r in sel if "error" not in r]
                if not sel:
                    continue
                errors = len(sel) - len(ok)
                if not ok:
                    lines.append(f"{size:>9,} {system:<13} {group:<5} runs {len(sel)}: all failed")
                    continue
                f1 = [r["f1"] for r in ok]
                worst = min(ok, key=lambda r: r["f1"])
                lines.append(
                    f"{size:>9,} {system:<13} {group:<5} runs {len(sel):>2}"
                    f"{f' ({errors} failed)' if errors else ''}: "
                    f"MIN F1 {min(f1):.4f} ({worst['setting']} seed {worst['seed']}), "
                    f"median {statistics.median(f1):.4f}, max {max(f1):.4f}; "
                    f"time median {statistics.median(r['wall_s'] for r in ok):.1f} s, "
                    f"max {max(r['wall_s'] for r in ok):.1f} s; "
                    f"peak max {max(r['peak_mb'] for r in ok):,.0f} MB; "
                    f"collapses {sum(1 for v in f1 if v < COLLAPSE) if system == 'muster' else '-'}"
                )
    return lines


def write_json(path: str, runs: list[dict], summary: list[str]) -> None:
    muster_runs = [r for r in runs if r["system"] == "muster"]
    payload = {
        "command": " ".join(sys.argv),
        "runs": runs,
        "summary": summary,
        "collapses": sum(1 for r in muster_runs if "error" not in r and r["f1"] < COLLAPSE),
        "failures": sum(1 for r in muster_runs if "error" in r),
    }
    tmp = Path(path + ".tmp")
    tmp.write_text(json.dumps(payload, indent=1, default=float))
    tmp.replace(path)


def markdown(paths: list[str]) -> str:
    """Per-size summary and per-run tables (Markdown) from one or more --json files."""
    runs = []
    for path in paths:
        runs.extend(json.loads(Path(path).read_text())["runs"])
    out = ["| records | system | group | runs | MIN F1 (setting, seed) | median F1 | max F1 | "
           "collapses < 0.85 | wall median / max (s) | peak max (MB) |",
           "|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for size in sorted({r["size"] for r in runs if r["setting"] != "febrl"}):
        for system in dict.fromkeys(r["system"] for r in runs):
            for group in ("all", "tune", "judge", "drawn"):
                sel = [r for r in runs if r["size"] == size and r["system"] == system
                       and r["setting"] != "febrl" and "error" not in r
                       and _in_group(r, group)]  # fmt: skip
                if not sel:
                    continue
                f1 = [r["f1"] for r in sel]
                worst = min(sel, key=lambda r: r["f1"])
                walls = [r["wall_s"] for r in sel]
                coll = sum(v < COLLAPSE for v in f1) if system == "muster" else "-"
                out.append(
                    f"| {size:,} | {system} | {group} | {len(sel)} | **{min(f1):.4f}** "
                    f"({worst['setting']}, {worst['seed']}) | {statistics.median(f1):.4f} | "
                    f"{max(f1):.4f} | {coll} | {statistics.median(walls):.0f} / {max(walls):.0f} | "
                    f"{max(r['peak_mb'] for r in sel):,.0f} |"
                )
    out += ["", "| records | setting | seed | group | system | F1 | precision | recall | wall (s) | "
            "peak MB |", "|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in runs:
        name = f"FEBRL {r['seed']}" if r["setting"] == "febrl" else r["setting"]
        seed = "" if r["setting"] == "febrl" else r["seed"]
        if "error" in r:
            out.append(f"| {r['size']:,} | {name} | {seed} | {r['group']} | {r['system']} | "
                       f"error: {r['error'][:80]} | | | | |")  # fmt: skip
            continue
        flag = " COLLAPSE" if r["system"] == "muster" and r["f1"] < COLLAPSE else ""
        out.append(
            f"| {r['size']:,} | {name} | {seed} | {r['group']} | {r['system']} | "
            f"**{r['f1']:.4f}**{flag} | {r['precision']:.4f} | {r['recall']:.4f} | "
            f"{r['wall_s']:.0f} | {r['peak_mb']:,.0f} |"
        )
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="20000,200000", help="records per run, comma-separated")
    ap.add_argument("--seeds", default="1,2")
    ap.add_argument("--settings", default="all", help="comma-separated names, or 'all'")
    ap.add_argument("--group", default="all", choices=("all", "tune", "judge", "drawn"))
    ap.add_argument("--drawn", type=int, default=0, metavar="N",
                    help="also N populations drawn at random (drawn1..drawnN, group 'drawn'); "
                    "--settings all takes them too")  # fmt: skip
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--rotate", type=int, default=0, help="which fold is judged (0..folds-1)")
    ap.add_argument("--peers", default="splink,recordlinkage")
    ap.add_argument("--peer-max", type=int, default=50_000, help="largest size the peers run at")
    ap.add_argument("--peer-settings", default="all", help="settings the peers run on")
    ap.add_argument("--peer-seeds", default="all", help="seeds the peers run on")
    ap.add_argument("--febrl", default="1,2,3,4", help="FEBRL sets to run ('' for none)")
    ap.add_argument("--quick", action="store_true",
                    help=f"20k, seed 1, settings {QUICK_SETTINGS}, FEBRL 3, no peers")  # fmt: skip
    ap.add_argument(
        "--in-process", action="store_true",
        help="generate and dedupe in this process (no CSV, no peers; many small runs fast; "
        "wall time is dedupe's, peak memory the sweep's)",
    )  # fmt: skip
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=1800, help="seconds per run")
    ap.add_argument("--json", metavar="OUT", help="write every run and the summary as JSON")
    ap.add_argument("--list", action="store_true", help="print the settings and groups, and stop")
    ap.add_argument("--markdown", nargs="+", metavar="JSON", help="print tables from --json files")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--setting", help=argparse.SUPPRESS)
    ap.add_argument("--size", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--csv", help=argparse.SUPPRESS)
    ap.add_argument("--truth", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child == "generate":
        child_generate(args.setting, args.size, args.seed, Path(args.csv), Path(args.truth))
        return 0
    if args.child == "muster":
        child_muster(Path(args.csv), Path(args.result), args.threads)
        return 0
    if args.markdown:
        print(markdown(args.markdown))
        return 0
    if not 0 <= args.rotate < args.folds:
        ap.error(f"--rotate must be between 0 and {args.folds - 1}")
    if args.quick:
        args.sizes, args.seeds, args.settings = "20000", "1", QUICK_SETTINGS
        args.febrl, args.peers = "3", ""
    if args.drawn < 0:
        ap.error("--drawn must be 0 or more")
    table = settings_table(args.folds, args.rotate, args.drawn)
    known = {name for name, _, _ in table}
    wanted = known if args.settings == "all" else set(args.settings.split(","))
    if wanted - known:
        ap.error(f"unknown setting(s) {sorted(wanted - known)}; known: {', '.join(sorted(known))}")
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s]
        seeds = [int(s) for s in args.seeds.split(",") if s]
        febrl = [int(s) for s in args.febrl.split(",") if s]
    except ValueError as exc:
        ap.error(f"--sizes, --seeds and --febrl take comma-separated integers ({exc})")
    peers = [p for p in args.peers.split(",") if p]
    chosen = [(n, g) for n, g, _ in table if n in wanted and args.group in ("all", g)]
    print(f"# sweep: sizes {sizes}, seeds {seeds}, folds {args.folds}, rotate {args.rotate}")
    for name, group, description in table:
        mark = "*" if (name, group) in chosen else " "
        print(f"#  {mark} {name:<15} {group:<6} {description}")
    if args.list:
        return 0
    CACHE.mkdir(parents=True, exist_ok=True)
    runs: list[dict] = []
    started = time.perf_counter()

    def record(run: dict) -> None:
        runs.append(run)
        print(fmt(run), flush=True)
        if args.json:  # rewritten after every run, so a stopped sweep keeps what it measured
            write_json(args.json, runs, summarise(runs))

    if febrl:
        import febrl as febrl_data

        for n in febrl:
            csv_path, truth_path = febrl_data.write(n, CACHE)
            truth = np.load(truth_path)
            for system in ["muster", *(p for p in peers if p in febrl_data.PEERS)]:
                base = {"size": len(truth), "setting": "febrl", "seed": n, "group": "public",
                        "system": system}  # fmt: skip
                info = (
                    run_muster(csv_path, args.threads, args.timeout)
                    if system == "muster"
                    else run_peer(system, csv_path, args.threads, args.timeout, febrl=True)
                )
                record({**base, **score(info, truth)})
    for size in sizes:
        for seed in seeds:
            for name, group in chosen:
                if args.in_process:
                    base = {"size": size, "setting": name, "seed": seed, "group": group,
                            "system": "muster", "generate_s": 0.0}  # fmt: skip
                    record({**base, **in_process(name, size, seed)})
                    continue
                csv_path, truth_path, gen_s = data_for(name, size, seed, args.timeout)
                truth = np.load(truth_path)
                with_peers = (
                    size <= args.peer_max
                    and (args.peer_settings == "all" or name in args.peer_settings.split(","))
                    and (args.peer_seeds == "all" or str(seed) in args.peer_seeds.split(","))
                )
                systems = ["muster", *(peers if with_peers else [])]
                for system in systems:
                    base = {"size": size, "setting": name, "seed": seed, "group": group,
                            "system": system, "generate_s": gen_s}  # fmt: skip
                    info = (
                        run_muster(csv_path, args.threads, args.timeout)
                        if system == "muster"
                        else run_peer(system, csv_path, args.threads, args.timeout, febrl=False)
                    )
                    record({**base, **score(info, truth)})
    summary = summarise(runs)
    febrl_runs = [r for r in runs if r["setting"] == "febrl"]
    print(f"\n# summary ({time.perf_counter() - started:.0f} s in all; F1 is pairwise)")
    for line in summary:
        print(line)
    for r in febrl_runs:
        print(f"FEBRL {r['seed']} ({r['size']:,} records): {fmt(r).split(r['system'], 1)[1].strip()}"
              f" [{r['system']}]")  # fmt: skip
    collapses = [
        r for r in runs if r["system"] == "muster" and "error" not in r and r["f1"] < COLLAPSE
    ]
    failures = [r for r in runs if r["system"] == "muster" and "error" in r]
    if args.json:
        write_json(args.json, runs, summary)
    if collapses or failures:
        print("\n" + "!" * 78)
        for r in collapses:
            print(f"!!! COLLAPSE: {r['setting']} size {r['size']:,} seed {r['seed']}: "
                  f"F1 {r['f1']:.4f} (P {r['precision']:.4f} / R {r['recall']:.4f})")  # fmt: skip
        for r in failures:
            print(f"!!! FAILED: {r['setting']} size {r['size']:,} seed {r['seed']}: {r['error']}")
        print(
            f"!!! {len(collapses)} collapse(s) below F1 {COLLAPSE}, {len(failures)} failed run(s)"
        )
        print("!" * 78)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
