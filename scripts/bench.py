#!/usr/bin/env python3
"""Benchmark uapress builds (make bench): against pandoc, against themselves, and over an archive.

Three comparisons, each run side by side in this one run, A B A B …, so that a machine busy with
something else slows both sides alike:

1. cold build  - `uapress build --force` of the sample (every language and format, into a fresh
   folder, default --jobs) against pandoc doing the same conversions: one Markdown file per language
   (the edition's text as uapress localises it), each to HTML (`--standalone`), DOCX, and PDF
   (`--pdf-engine=weasyprint`); the 3 x languages conversions run as many at a time as uapress has
   workers (the number of cores), so that both sides use the same cores.
2. no-op build - `uapress build` with the cache warm, against the cold build.
3. archive     - N generated actions (scripts/make_archive.py) in every language, built cold with
   --jobs 1 and --jobs 2: time per edition, peak memory and the speed-up of 2 workers over 1.

Every measurement is one subprocess: its wall time; the peak RSS of its largest single process
(`ru_maxrss` from `os.wait4`, which, like RUSAGE_CHILDREN, reports the largest process of the
tree, but for this run only); the peaks of its whole process tree's memory, sampled every 50 ms
from /proc/PID/smaps_rollup, as two sums: RSS and PSS; and the CPU time (user + system) of the
tree. The table, with a verdict per target, is printed and written to build/bench.md.

RSS and PSS. Workers are forked from the build, so they share its pages (the interpreter, the
imported modules, WeasyPrint) until one of them writes to a page. A page's RSS counts in full in
every process that maps it: the sum of RSS over-counts the shared pages once per worker. PSS
(proportional set size) splits each shared page among the processes sharing it, so the sum of PSS
is the memory the tree really takes from the machine, and the memory target is judged on it. Both
are shown: RSS is what `top` shows per process.

Fairness notes. Each side gets one untimed warm-up run first. Measured commands run with bytecode
caching on (PYTHONDONTWRITEBYTECODE removed), as on a user's machine. pandoc's conversions are
started by a small stdlib-only Python runner (this script with --run-commands, `python -I -S`),
which adds some 20 ms to pandoc's side. The no-op build is preceded by an untimed build into the
same folder, so that a package edited during the run still leaves the cache warm, and it must
report every edition unchanged or the run fails. Other load on the machine slows wall times and
the speed-up (Linux gives each session its share of the cores): read the CPU times, and the load
averages in the header.

Usage: scripts/bench.py [--quick] [--repeats N] [--archive-repeats N] [--sizes 1,10,100] [--jobs N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = "venezuela-hrd-release"
FORMATS = ("html", "pdf", "docx")
SAMPLE_EVERY = 0.05  # seconds between two memory samples of a process tree
MIB = 1024  # KiB per MiB

# Targets of the speed issues (2-core machine; issues 13 and 24).
COLD_VS_PANDOC = 0.75
"""Issue 24: the full product (letter sheets, annex, checklists, index) against pandoc's conversions at equal
parallelism (issue 13's target was 0.35)."""
NOOP_VS_COLD = 0.10
PER_EDITION_GROWTH = 1.2
EARLIER = (
    # (when and what, cold build / pandoc, no-op / cold build), wall-time ratios as measured then
    ("before issue 13, as its text reports (2 runs on a fresh clone)", "0.67", "0.20-0.27"),
    (
        "main at ae1ac0c (after the round's new features), 2026-12-01, `--quick`, load average up to 7: wall (CPU)",
        "1.96 (1.76)",
        "0.09 (0.07)",
    ),
    (
        "main at 3df7f01 (HarfBuzz font cuts, findings cached for no-op builds, stylesheet parsed once per text), "
        "fresh clone: wall (CPU)",
        "1.23 (1.14)",
        "0.06",
    ),
    ("main at 4762dbf, `--quick --sizes 1`, load average under 1: wall (CPU)", "1.17 (1.10)", "0.06 (0.03)"),
    (
        "main at c3decf7 (brand rules of print.css parsed once, Markdown parsed once per text, the index read while "
        "the workers render, DOCX fonts deflated once): wall (CPU)",
        "0.92 (0.93)",
        "0.06 (0.03)",
    ),
    (
        "branch issue-24-build (C types and YAML not parsed per worker, editions localised as rendered), side by "
        "side with the code before it, load average ~9: wall (CPU); no-op not measured",
        "0.89 (0.87)",
        "-",
    ),
)
"""Figures of earlier runs, shown beside today's in build/bench.md."""
ARCHIVE_MEMORY_MIB = 400
PSS_PER_ACTION_MIB = 0.1
"""Issue 24: the archive's memory flat, editions localised as they are rendered (it grew ~0.4 MiB per action)."""
SPEEDUP_2_OVER_1 = 1.7


# --- measuring one run -----------------------------------------------------------------------------


@dataclass
class Run:
    """One measured subprocess."""

    wall: float
    """Seconds."""
    largest: int
    """Peak RSS of its largest single process, KiB."""
    tree: int
    """Peak total RSS of its process tree, KiB (sampled): shared pages count once per process."""
    pss: int
    """Peak total PSS of its process tree, KiB (sampled): shared pages split among their processes."""
    cpu: float
    """User + system CPU seconds of the whole tree."""


@dataclass
class Series:
    """Repeated runs of one side of a comparison."""

    name: str
    runs: list[Run] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def largest(self) -> int:
        return max(r.largest for r in self.runs)

    @property
    def tree(self) -> int:
        return max(r.tree for r in self.runs)

    @property
    def pss(self) -> int:
        return max(r.pss for r in self.runs)


class BenchError(Exception):
    """A measured command failed."""


def _children_by_parent() -> dict[int, list[int]]:
    """Return {ppid: [pid]} for every process, from /proc/<pid>/stat."""
    table: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:  # gone since the listing
            continue
        fields = stat[stat.rindex(b")") + 2 :].split()  # after "pid (comm) ": state ppid …
        table.setdefault(int(fields[1]), []).append(int(entry.name))
    return table


def tree_pids(pid: int) -> list[int]:
    """Return a process and its descendants."""
    table, found, todo = _children_by_parent(), [pid], [pid]
    while todo:
        children = table.get(todo.pop(), [])
        found += children
        todo += children
    return found


def rss_pss(pid: int) -> tuple[int, int]:
    """Return a process's RSS and PSS in KiB, from /proc/PID/smaps_rollup ((0, 0) once it has ended)."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith(b"Pss:"):
                    pss = int(line.split()[1])
                    break  # Pss follows Rss
    except (OSError, ValueError, IndexError):  # ended (or ending) between the listing and this read
        pass
    return rss, pss


class TreeSampler(threading.Thread):
    """Sample the total RSS and PSS of a process and its descendants until stopped; keep the peaks (KiB)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_rss, self.peak_pss, self._stop_event = pid, 0, 0, threading.Event()

    def sample(self) -> tuple[int, int]:
        """Return the tree's total RSS and total PSS now, KiB."""
        totals = [rss_pss(pid) for pid in tree_pids(self.pid)]
        return sum(rss for rss, _ in totals), sum(pss for _, pss in totals)

    def run(self) -> None:
        while not self._stop_event.is_set():
            rss, pss = self.sample()
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            self._stop_event.wait(SAMPLE_EVERY)

    def stop(self) -> tuple[int, int]:
        self._stop_event.set()
        self.join()
        return self.peak_rss, self.peak_pss


def measure(cmd: list[str], cwd: Path, env: dict, expect: str | None = None) -> Run:
    """Run `cmd` to completion; return its wall time and peak memory; raise BenchError if it fails
    (or, with `expect`, if its output lacks that text)."""
    with tempfile.TemporaryFile() as errors, tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        process = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=output, stderr=errors)
        sampler = TreeSampler(process.pid)
        sampler.start()
        # wait4, not Popen.wait: its rusage is this child's (and its waited-for descendants') alone.
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        tree, pss = sampler.stop()
        if process.returncode != 0:
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace")[-3000:]
            raise BenchError(f"exit {process.returncode}: {' '.join(map(str, cmd))}\n{tail}")
        output.seek(0)
        if expect is not None and expect not in output.read().decode("utf-8", "replace"):
            raise BenchError(f"expected {expect!r} in the output of {' '.join(map(str, cmd))}")
    # A run ended before its first sample has no PSS: its largest process's RSS stands in for it.
    return Run(
        wall, usage.ru_maxrss, max(tree, usage.ru_maxrss), pss or usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    )


def alternate(
    repeats: int, sides: list[tuple[str, Callable[[], Run]]], progress: Callable[[str], None]
) -> list[Series]:
    """Run the sides A B A B … `repeats` times; each side is (name, function returning a Run)."""
    series = [Series(name) for name, _ in sides]
    for repeat in range(repeats):
        for (name, run), result in zip(sides, series):
            result.runs.append(run())
            progress(f"  [{repeat + 1}/{repeats}] {name}: {result.runs[-1].wall:.2f} s")
    return series


# --- the pandoc side ---------------------------------------------------------------------------------


def edition_markdown(root: Path, slug: str, lang: str) -> str:
    """Return an edition's text as one Markdown file: title, summary, letter, background (translated
    where the PO has a translation), with the edition's own labels as headings."""
    from uapress.localise import localise
    from uapress.source import load_action

    action, _ = load_action(root / "source" / "actions" / slug / "action.yaml")
    loc = localise(action, lang, root)

    def blocks(name: str) -> list[str]:
        return [segment.text for segment, _ in loc.field(name)]

    meta = [f"title: {json.dumps(loc.one('title').text, ensure_ascii=False)}", f"lang: {lang}"]
    if loc.direction == "rtl":
        meta.append("dir: rtl")
    parts = ["\n".join(["---", *meta, "---"]), *blocks("summary"), f"## {loc.labels['take_action']}"]
    for index, target in enumerate(action.targets):
        title = loc.one(f"targets.{index}.title")
        address = "  \n".join(line for line in target.address.strip().splitlines())
        parts += [
            f"**{target.name}**  \n{title.text if title else target.title}  \n{address}",
            loc.one(f"targets.{index}.salutation").text,
        ]
    parts += blocks("letter")
    closing = loc.one("closing")
    parts.append(closing.text if closing else loc.labels["closing"])
    parts += [f"## {loc.labels['additional_information']}", *blocks("background")]
    return "\n\n".join(parts) + "\n"


def pandoc_commands(root: Path, slug: str, langs: tuple, work: Path) -> list[list[str]]:
    """Write each language's Markdown into `work`; return the pandoc conversions of all of them."""
    import pypandoc

    pandoc = pypandoc.get_pandoc_path()
    weasyprint = Path(sys.executable).with_name("weasyprint")
    commands = []
    work.mkdir(parents=True, exist_ok=True)
    for lang in langs:
        source = work / f"{slug}.{lang}.md"
        source.write_text(edition_markdown(root, slug, lang), encoding="utf-8")
        out = work / "out" / lang
        out.mkdir(parents=True, exist_ok=True)
        commands += [
            [pandoc, str(source), "-o", str(out / f"{slug}.{lang}.html"), "--standalone"],
            [pandoc, str(source), "-o", str(out / f"{slug}.{lang}.docx")],
            [pandoc, str(source), "-o", str(out / f"{slug}.{lang}.pdf"), f"--pdf-engine={weasyprint}"],
        ]
    return commands


def run_commands(listing: Path, parallel: int) -> int:
    """Run the commands listed (JSON) `parallel` at a time; exit 1 if any fails (the --run-commands mode)."""
    commands = json.loads(listing.read_text(encoding="utf-8"))

    def one(cmd):
        return subprocess.run(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        ).returncode, cmd

    with ThreadPoolExecutor(parallel) as pool:
        failed = [cmd for code, cmd in pool.map(one, commands) if code != 0]
    for cmd in failed:
        print(f"failed: {' '.join(cmd)}", file=sys.stderr)
    return 1 if failed else 0


# --- the comparisons -------------------------------------------------------------------------------


def uapress(*args: str, quiet: bool = True) -> list[str]:
    return [sys.executable, "-m", "uapress.cli", *(["-q"] if quiet else []), "build", *args]


def child_env() -> dict:
    """Return the environment of measured commands: bytecode caches on, as a user's machine has them."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


class Fresh:
    """Output folders, a new one per cold run, removed (untimed) once used."""

    def __init__(self, parent: Path, name: str):
        self.parent, self.name, self.count = parent, name, 0

    def __call__(self) -> Path:
        self.count += 1
        folder = self.parent / f"{self.name}-{self.count}"
        shutil.rmtree(folder, ignore_errors=True)
        return folder


def bench_sample(args, work: Path, env: dict, progress) -> dict:
    """Cold build against pandoc, then no-op build against cold build."""
    from uapress.source import load_action

    action, _ = load_action(ROOT / "source" / "actions" / SAMPLE / "action.yaml")
    langs = action.editions
    jobs = args.jobs
    commands = pandoc_commands(ROOT, SAMPLE, langs, work / "pandoc")
    listing = work / "pandoc" / "commands.json"
    listing.write_text(json.dumps(commands), encoding="utf-8")
    pandoc_cmd = [
        sys.executable,
        "-I",
        "-S",
        str(Path(__file__).resolve()),
        "--run-commands",
        str(listing),
        "--parallel",
        str(jobs),
    ]
    fresh = Fresh(work, "cold")
    jobs_args = ("--jobs", str(jobs)) if args.jobs_given else ()

    def cold() -> Run:
        out = fresh()
        try:
            return measure(uapress(SAMPLE, "--force", "--out", str(out), *jobs_args), ROOT, env)
        finally:
            shutil.rmtree(out, ignore_errors=True)

    # Warm-up, untimed: bytecode caches, page cache, fonts.
    measure(uapress(SAMPLE, "--force", "--out", str(work / "warm"), *jobs_args), ROOT, env)
    measure(pandoc_cmd, ROOT, env)
    progress(f"cold build vs pandoc ({len(langs)} languages x {len(FORMATS)} formats), {args.repeats} repeats")
    cold_series, pandoc_series = alternate(
        args.repeats, [("uapress cold", cold), ("pandoc", lambda: measure(pandoc_cmd, ROOT, env))], progress
    )

    noop_out = work / "warm"

    def noop() -> Run:
        # Warm the cache first (untimed; a no-op when nothing changed, a build when the package did), then
        # time a build that must report every edition unchanged.
        measure(uapress(SAMPLE, "--out", str(noop_out), *jobs_args), ROOT, env)
        return measure(
            uapress(SAMPLE, "--out", str(noop_out), *jobs_args, quiet=False),
            ROOT,
            env,
            expect=f"0 edition(s) built, {len(langs)} unchanged",
        )

    progress(f"no-op build vs cold build, {args.repeats} repeats")
    noop_series, cold2_series = alternate(args.repeats, [("uapress no-op", noop), ("uapress cold", cold)], progress)
    return {
        "langs": langs,
        "conversions": len(commands),
        "cold": cold_series,
        "pandoc": pandoc_series,
        "noop": noop_series,
        "cold2": cold2_series,
    }


def bench_archive(args, work: Path, env: dict, progress) -> list[dict]:
    """Build archives of each size with one and two workers, alternating."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from make_archive import make_archive
    from uapress.source import load_action

    rows = []
    for size in args.sizes:
        project = make_archive(work / f"archive-{size}", size)
        editions = sum(
            len(load_action(path)[0].editions) for path in (project / "source" / "actions").glob("*/action.yaml")
        )
        fresh = Fresh(work, f"archive-{size}-out")

        def cold(jobs: int, fresh: Fresh = fresh, project: Path = project) -> Run:
            out = fresh()
            try:
                return measure(uapress("--force", "--jobs", str(jobs), "--out", str(out)), project, env)
            finally:
                shutil.rmtree(out, ignore_errors=True)

        progress(
            f"archive of {size} action(s), {editions} editions, --jobs 1 vs --jobs 2, {args.archive_repeats} repeats"
        )
        one, two = alternate(
            args.archive_repeats, [("--jobs 1", lambda: cold(1)), ("--jobs 2", lambda: cold(2))], progress
        )
        rows.append({"size": size, "editions": editions, "one": one, "two": two})
        shutil.rmtree(project, ignore_errors=True)
    return rows


# --- the report ------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def mib(kib: int) -> str:
    return f"{kib / MIB:.0f}"


def timing(series: Series) -> str:
    return f"{series.wall:.2f} ({series.cpu:.2f})"


def memory(series: Series) -> str:
    return f"{mib(series.largest)} / {mib(series.tree)} / {mib(series.pss)}"


def table(sample: dict, archive: list[dict], args) -> str:
    """Return the results as Markdown: wall time medians (CPU medians in brackets), ratios, verdicts."""
    cold, pandoc, noop, cold2 = sample["cold"], sample["pandoc"], sample["noop"], sample["cold2"]
    lines = [
        "| comparison | A | A: wall s (CPU s) | A: peak MiB | B | B: wall s (CPU s) | B: peak MiB | A / B: wall (CPU) "
        "| target | verdict |",
        "|---|---|---:|---:|---|---:|---:|---:|---|---|",
    ]
    ratio = cold.wall / pandoc.wall
    lines.append(
        f"| full cold build, {len(sample['langs'])} languages x {len(FORMATS)} formats | uapress build --force | "
        f"{timing(cold)} | {memory(cold)} | pandoc, {sample['conversions']} conversions {args.jobs} at a time | "
        f"{timing(pandoc)} | {memory(pandoc)} | {ratio:.2f} ({cold.cpu / pandoc.cpu:.2f}) | <= {COLD_VS_PANDOC} | "
        f"{verdict(ratio <= COLD_VS_PANDOC)} |"
    )
    ratio = noop.wall / cold2.wall
    lines.append(
        f"| no-op rebuild | uapress build, cache warm | {timing(noop)} | {memory(noop)} | uapress build --force | "
        f"{timing(cold2)} | {memory(cold2)} | {ratio:.2f} ({noop.cpu / cold2.cpu:.2f}) | <= {NOOP_VS_COLD} | "
        f"{verdict(ratio <= NOOP_VS_COLD)} |"
    )
    lines += [
        "",
        "| earlier figures | cold build / pandoc | no-op / cold build |",
        "|---|---:|---:|",
        *(f"| {when} | {cold_ratio} | {noop_ratio} |" for when, cold_ratio, noop_ratio in EARLIER),
        f"| this run: wall (CPU) | {cold.wall / pandoc.wall:.2f} ({cold.cpu / pandoc.cpu:.2f}) | "
        f"{noop.wall / cold2.wall:.2f} ({noop.cpu / cold2.cpu:.2f}) |",
    ]
    if not archive:
        return "\n".join(lines)
    lines += [
        "",
        "| archive | editions | --jobs 1: wall s (CPU s) | per edition s | peak MiB | "
        "--jobs 2: wall s (CPU s) | per edition s | peak MiB | speed-up 2 over 1 |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in archive:
        one, two, n = row["one"], row["two"], row["editions"]
        lines.append(
            f"| {row['size']} action(s) | {n} | {timing(one)} | {one.wall / n:.3f} | {memory(one)} | "
            f"{timing(two)} | {two.wall / n:.3f} | {memory(two)} | {one.wall / two.wall:.2f} |"
        )
    smallest, largest = archive[0], archive[-1]
    size = largest["size"]
    growth = {
        jobs: (largest[key].wall / largest["editions"]) / (smallest[key].wall / smallest["editions"])
        for jobs, key in ((1, "one"), (2, "two"))
    }
    peak = max(largest["one"].pss, largest["two"].pss)
    actions = largest["size"] - smallest["size"]
    growth_pss = (peak - max(smallest["one"].pss, smallest["two"].pss)) / MIB / actions if actions else 0.0
    peak_rss = max(largest["one"].tree, largest["two"].tree)
    speedup = largest["one"].wall / largest["two"].wall
    lines += [
        "",
        "| archive target (at the largest size measured) | figure | target | verdict |",
        "|---|---:|---|---|",
        *(
            f"| time per edition, {size} action(s) / {smallest['size']} action(s), --jobs {jobs} | {growth[jobs]:.2f} | "
            f"<= {PER_EDITION_GROWTH} | {verdict(growth[jobs] <= PER_EDITION_GROWTH)} |"
            for jobs in (1, 2)
        ),
        f"| peak memory of the process tree (PSS), {size} action(s) (MiB) | {mib(peak)} | <= {ARCHIVE_MEMORY_MIB} | "
        f"{verdict(peak <= ARCHIVE_MEMORY_MIB * MIB)} |",
        f"| speed-up of 2 workers over 1, {size} action(s) | {speedup:.2f} | >= {SPEEDUP_2_OVER_1} | "
        f"{verdict(speedup >= SPEEDUP_2_OVER_1)} |",
        f"| peak PSS growth per action, {smallest['size']} to {size} action(s) (MiB) | {growth_pss:.2f} | "
        f"<= {PSS_PER_ACTION_MIB} | {verdict(growth_pss <= PSS_PER_ACTION_MIB)} |",
        "",
        f"The memory target is judged on PSS: the memory the build's processes take from the machine, each page "
        f"shared by forked workers counted once in all. The sum of RSS ({mib(peak_rss)} MiB here) counts such a "
        f"page once per process that maps it, so it over-states a tree of workers by what they share.",
    ]
    return "\n".join(lines)


def header(args, started: float) -> str:
    from importlib.metadata import version

    import pypandoc

    load = os.getloadavg()
    return "\n".join(
        [
            "# uapress benchmark",
            "",
            f"- {dt.datetime.now().isoformat(timespec='seconds')}, {os.cpu_count()} cores, {platform.platform()}, "
            f"Python {platform.python_version()}",
            f"- uapress {version('uapress')}, WeasyPrint {version('weasyprint')}, pandoc {pypandoc.get_pandoc_version()}",
            f"- sides alternated A B A B; medians of {args.repeats} runs (archive: {args.archive_repeats}); "
            f"uapress --jobs {args.jobs if args.jobs_given else 'default'} ({args.jobs} workers) for the sample; "
            f"pandoc conversions {args.jobs} at a time",
            "- times: median wall seconds, median CPU seconds (user + system, whole process tree) in brackets",
            f"- peak MiB: largest single process (ru_maxrss) / whole process tree's total RSS / its total PSS, the "
            f"two sampled every {SAMPLE_EVERY * 1000:.0f} ms (RSS counts a page shared by forked workers once per "
            f"process; PSS splits it among them, so the PSS sum is the tree's real footprint)",
            f"- load average (1 min) {args.load_before:.2f} before, {load[0]:.2f} after; the run took "
            f"{time.time() - started:.0f} s; other work on the machine slows the wall times and the speed-up",
            "",
            "",
        ]
    )


# --- main ------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 repeats, archives of 1 and 10 actions")
    parser.add_argument("--repeats", type=int, help="runs per side (default 5; --quick 3)")
    parser.add_argument("--archive-repeats", type=int, help="runs per side for the archives (default: --repeats)")
    parser.add_argument("--sizes", help="archive sizes, comma-separated (default 1,10,100; --quick 1,10)")
    parser.add_argument(
        "--jobs",
        type=int,
        help="uapress workers for the sample and pandoc's parallelism "
        "(default: the number of cores, uapress's own default)",
    )
    parser.add_argument("--no-archive", action="store_true", help="skip the archive benchmark")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--run-commands", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--parallel", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run_commands:
        return run_commands(args.run_commands, args.parallel)

    args.repeats = args.repeats or (3 if args.quick else 5)
    args.archive_repeats = args.archive_repeats or args.repeats
    args.sizes = [int(s) for s in (args.sizes or ("1,10" if args.quick else "1,10,100")).split(",")]
    args.jobs_given = args.jobs is not None
    args.jobs = args.jobs or os.cpu_count() or 1
    args.load_before = os.getloadavg()[0]
    started = time.time()

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    env = child_env()
    work = Path(tempfile.mkdtemp(prefix="uapress-bench-"))
    try:
        sample = bench_sample(args, work, env, progress)
        archive = [] if args.no_archive else bench_archive(args, work, env, progress)
    except BenchError as exc:
        print(f"bench: a measured command failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    report = header(args, started) + table(sample, archive, args) + "\n"
    print(report)
    out = ROOT / "build" / "bench.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report, encoding="utf-8")
    print(f"written to {out.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
