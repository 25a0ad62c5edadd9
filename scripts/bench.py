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
DOCX_KB = 350  # the heaviest DOCX a build writes, editions and letter sheets (issue 24: light enough to mail)
PER_EDITION_GROWTH = 1.2
EARLIER: tuple[tuple[str, dict[str, str]], ...] = (
    # (when and what, {figure key: the figure as measured then}); keys are Figure.key, shown as columns.
    ("before issue 13, as its text reports (2 runs on a fresh clone)", {"cold": "0.67", "noop": "0.20-0.27"}),
    (
        "main at ae1ac0c (after the round's new features), 2026-12-01, `--quick`, load average up to 7: wall (CPU)",
        {"cold": "1.96 (1.76)", "noop": "0.09 (0.07)"},
    ),
    (
        "main at 3df7f01 (HarfBuzz font cuts, findings cached for no-op builds, stylesheet parsed once per text), "
        "fresh clone: wall (CPU)",
        {"cold": "1.23 (1.14)", "noop": "0.06"},
    ),
    (
        "main at 4762dbf, `--quick --sizes 1`, load average under 1: wall (CPU)",
        {"cold": "1.17 (1.10)", "noop": "0.06 (0.03)"},
    ),
    (
        "main at c3decf7 (brand rules of print.css parsed once, Markdown parsed once per text, the index read while "
        "the workers render, DOCX fonts deflated once): wall (CPU)",
        {
            "cold": "0.92 (0.93)",
            "noop": "0.06 (0.03)",
            "growth": "0.46",
            "memory": "314 (100 actions), 391 (300)",
            "speedup": "1.75",
        },
    ),
    (
        "as issue 24's text reports (serve: 7 saves of action.yaml)",
        {"cold": "0.92-1.03", "noop": "0.05", "serve": "0.55-0.62"},
    ),
    (
        "main at 949a330, `--only serve` 3 times, load average about 4 (a polling watcher: 0.3 s, two equal looks)",
        {"serve": "0.56 (0.47-0.63), 0.51 (0.47-0.60), 0.48 (0.45-0.52)"},
    ),
    (
        "26531f9 (file events, 30 ms settle, only the editions on screen, PDF in a background process), "
        "`--only serve` 3 times, load average 8-10",
        {"serve": "0.25 (0.17-0.33), 0.32 (0.18-0.44), 0.17 (0.12-0.20)"},
    ),
    (
        "branch issue-24-build (C types and YAML not parsed per worker, editions localised as rendered), side by "
        "side with the code before it, load average ~9: wall (CPU); no-op not measured",
        {"cold": "0.89 (0.87)", "pss-growth": "0.33"},
    ),
    (
        "branch issue-24-cold (Jinja templates compiled once before the fork, the DOCX characters of shared parts "
        "read once), side by side with the code before it (0.90), 5 runs each, load average 6-9: CPU",
        {"cold": "(0.82)"},
    ),
    (
        "branch issue-24-memory (jobs let go of their source bytes once written, the build's process trims its "
        "heap), side by side with main at 89e7e04, 50 and 200 actions, 2 workers, one run each: before / after",
        {"memory": "305 / 290 (200 actions)", "pss-growth": "0.30 / 0.22"},
    ),
    (
        "3769de8 (issue 24 merged: file events, libyaml, templates compiled before the fork), `--only serve "
        "--serve-saves 9`, a test suite running beside it (load average 2-5)",
        {"serve": "0.168 (0.09-0.22)"},
    ),
    (
        "branch issue-24-cpu (brand YAML read by libyaml, fontTools' subsetter imported when first called, the PDF "
        "text layer's Latin runs mapped in one step, font files read once per process, the DOCX default style looked "
        "up once), `--only sample` twice each side, alternated with the code before it (0.93 (0.86), 0.97 (0.87)), "
        "load average 6-8: wall (CPU)",
        {"cold": "0.89 (0.80), 0.74 (0.75)"},
    ),
    (
        "branch issue-24-mem at e000b9d (a built action's texts let go: the jobs, the report and the index keep "
        "only what they show of it), side by side with main at 7ff65ac, HTML only, 200 and 400 actions, 2 workers, "
        "2 runs each, load average 2-5: before / after",
        {"memory": "197 / 188 (400 actions, HTML only)", "pss-growth": "0.19 / 0.14 (HTML only, 200 to 400)"},
    ),
    (
        "branch issue-24-mem at 39838d1 (also the cache written unindented), all formats, 200 and 400 actions, "
        "2 workers, one run each, load average 2-5",
        {"memory": "298 (200 actions), 328 (400)", "pss-growth": "0.15 (200 to 400)"},
    ),
    (
        "main at 3bd42b8 (the workers forked by a process of their own that imports WeasyPrint while the build plans and "
        "localises, the writers' CPU, the archive's memory), `--quick`, load average 0.7-1.6: wall (CPU)",
        {
            "cold": "0.80 (0.74)",
            "noop": "0.12 (0.08)",
            "growth": "0.55 (10 actions)",
            "memory": "248 (10 actions)",
            "speedup": "1.73 (10 actions)",
            "serve": "0.079 (0.063-0.090)",
            "docx": "291",
        },
    ),
    (
        "main at 3bd42b8, 1,000 generated actions x 4 languages, all formats, 2 workers, one run (PSS of the tree "
        "sampled every 0.25 s; a test suite ran beside it for its first 20 minutes): 0.66 s of CPU per edition",
        {"memory": "344 (1,000 actions)", "pss-growth": "0.05 (24 to 948 actions)"},
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

    docx_sizes: dict[str, int] = {}

    def cold() -> Run:
        out = fresh()
        try:
            run = measure(uapress(SAMPLE, "--force", "--out", str(out), *jobs_args), ROOT, env)
            # Read after the clock stopped: the DOCX weights (issue 24), the same in every run (the output is
            # deterministic).
            docx_sizes.update({str(path.relative_to(out)): path.stat().st_size for path in out.rglob("*.docx")})
            return run
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
            expect=f"0 editions built, {len(langs)} unchanged",
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
        "docx": docx_sizes,
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


# --- the preview ---------------------------------------------------------------------------------

SERVE_RELOAD = 0.2
"""Seconds from saving action.yaml to the reload event of `uapress serve`, median (issue 24)."""
SERVE_SENTENCE = "In January 2026, human rights defenders Rocío San Miguel"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bench_serve(args, work: Path, env: dict, progress) -> dict:
    """Time `uapress serve` from saving the sample's action.yaml to the reload event of its HTML edition.

    The serve process runs on a copy of the sample; one reader holds the edition's event stream
    (/SLUG/_events), as an open page does. Each save changes one sentence, alternately written in
    place and saved as editors that replace the file do (a new file renamed over it); the time is
    from just before the save to the `reload` event, and the page must then show the new sentence.
    One untimed save first.
    """
    import http.client
    import signal
    import socket

    project = work / "serve"
    shutil.copytree(
        ROOT / "source", project / "source", ignore=lambda folder, names: [n for n in names if n.startswith("_")]
    )
    for other in (project / "source" / "actions").iterdir():
        if other.name != SAMPLE:
            shutil.rmtree(other)
    shutil.copytree(ROOT / "styles", project / "styles")
    source = project / "source" / "actions" / SAMPLE / "action.yaml"
    original = source.read_text(encoding="utf-8")
    if SERVE_SENTENCE not in original:
        raise BenchError(f"the sample no longer has the sentence the serve benchmark changes: {SERVE_SENTENCE!r}")
    port = free_port()
    log = (work / "serve.log").open("w+", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "uapress.cli", "serve", SAMPLE, "--port", str(port)],
        cwd=project,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise BenchError(f"uapress serve did not start:\n{log.read()[-3000:]}")
            try:
                stream = socket.create_connection(("127.0.0.1", port), timeout=30)
                break
            except OSError:
                time.sleep(0.05)
        stream.sendall(f"GET /{SAMPLE}/_events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode("ascii"))
        events = stream.makefile("rb")

        def next_reload() -> str:
            """Return the data of the next reload event on the stream."""
            event = None
            for raw in events:
                line = raw.decode("utf-8").rstrip("\r\n")
                if line == "event: reload":
                    event = "reload"
                elif line.startswith("data: ") and event == "reload":
                    return line[len("data: ") :]
            raise BenchError("the event stream of uapress serve ended")

        next_reload()  # the version the page starts with

        def page() -> str:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", f"/{SAMPLE}/")
            return connection.getresponse().read().decode("utf-8")

        def save(number: int) -> float:
            text = original.replace(
                SERVE_SENTENCE, f"In January 2026 ({number}), human rights defenders Rocío San Miguel"
            )
            time.sleep(0.5)  # apart from the last save, as a person saves
            start = time.perf_counter()
            if number % 2:
                source.write_text(text, encoding="utf-8")
            else:
                fresh = source.with_name(f".action.yaml.{number}.tmp")
                fresh.write_text(text, encoding="utf-8")
                os.replace(fresh, source)
            next_reload()
            took = time.perf_counter() - start
            if f"In January 2026 ({number})" not in page():
                raise BenchError(f"save {number}: the reloaded page lacks the new sentence")
            return took

        save(0)  # untimed: the first save warms what the first build did not
        progress(f"uapress serve: save -> reload event, {args.serve_saves} saves")
        times = []
        for number in range(1, args.serve_saves + 1):
            times.append(save(number))
            progress(f"  [{number}/{args.serve_saves}] {times[-1]:.3f} s")
        stream.close()
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()
    return {"times": times}


def serve_section(args, work: Path, env: dict, progress) -> Section:
    """Measure the preview's save -> reload time and report it."""
    times = bench_serve(args, work, env, progress)["times"]
    median = statistics.median(times)
    figure = Figure(
        "serve",
        f"uapress serve: save action.yaml -> reload event of the HTML edition, median of {len(times)} saves, s",
        f"{median:.3f} ({min(times):.3f}-{max(times):.3f})",
        f"<= {SERVE_RELOAD}",
        median <= SERVE_RELOAD,
    )
    detail = [
        "Each save changes one sentence of the sample's action.yaml (odd saves written in place, even ones a new file "
        "renamed over it); timed from just before the save to the `reload` event on `/SLUG/_events`, and the page "
        "then shows the new sentence.",
        "",
        "| save | seconds |",
        "|---:|---:|",
        *(f"| {number} | {took:.3f} |" for number, took in enumerate(times, 1)),
        f"| median (min-max) | {figure.measured} |",
    ]
    return Section("The preview: save -> reload", [figure], detail)


# --- the report ------------------------------------------------------------------------------------
#
# The report is table-driven: each benchmark returns a Section, its Figures (one line each of the targets
# table: measured, target, verdict) and its detailed tables. To add a figure, return it from a benchmark
# (or add a benchmark to BENCHMARKS), and give its key a column in COLUMNS so that earlier runs (EARLIER)
# can be shown beside it.


@dataclass
class Figure:
    """One figure of the issue: what was measured, against its target."""

    key: str
    """Its column in the table of earlier runs (COLUMNS, EARLIER)."""
    name: str
    measured: str
    """As shown in the report, with its unit or spread."""
    target: str
    """As shown in the report, e.g. "<= 0.75"."""
    ok: bool


@dataclass
class Section:
    """What one benchmark adds to the report."""

    title: str
    figures: list[Figure]
    detail: list[str]
    """Markdown lines: the measurements behind the figures."""


COLUMNS = {
    "cold": "cold build / pandoc: wall (CPU)",
    "noop": "no-op / cold build",
    "growth": "time per edition, largest archive / 1 action, --jobs 2",
    "memory": "archive peak PSS, MiB",
    "speedup": "2 workers / 1, largest archive",
    "serve": "serve: save -> reload event, median s",
    "docx": "heaviest DOCX, kB",
    "pss-growth": "peak PSS growth per action, MiB",
}
"""The columns of the earlier runs' table, by figure key, in order."""


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def mib(kib: int) -> str:
    return f"{kib / MIB:.0f}"


def timing(series: Series) -> str:
    return f"{series.wall:.2f} ({series.cpu:.2f})"


def memory(series: Series) -> str:
    return f"{mib(series.largest)} / {mib(series.tree)} / {mib(series.pss)}"


def sample_section(args, work: Path, env: dict, progress) -> Section:
    """Measure the sample (cold build against pandoc, no-op against cold) and report it."""
    sample = bench_sample(args, work, env, progress)
    cold, pandoc, noop, cold2 = sample["cold"], sample["pandoc"], sample["noop"], sample["cold2"]
    cold_ratio, noop_ratio = cold.wall / pandoc.wall, noop.wall / cold2.wall
    figures = [
        Figure(
            "cold",
            f"cold build of the sample / pandoc's {sample['conversions']} conversions {args.jobs} at a time: wall (CPU)",
            f"{cold_ratio:.2f} ({cold.cpu / pandoc.cpu:.2f})",
            f"<= {COLD_VS_PANDOC}",
            cold_ratio <= COLD_VS_PANDOC,
        ),
        Figure(
            "noop",
            "no-op build / cold build: wall (CPU)",
            f"{noop_ratio:.2f} ({noop.cpu / cold2.cpu:.2f})",
            f"<= {NOOP_VS_COLD}",
            noop_ratio <= NOOP_VS_COLD,
        ),
    ]
    docx = sample["docx"]
    heaviest = max(docx, key=docx.__getitem__, default="")
    kb = docx.get(heaviest, 0) / 1000
    figures.append(
        Figure(
            "docx",
            f"heaviest of the {len(docx)} DOCX files of a cold build, kB ({heaviest})",
            f"{kb:.0f}",
            f"<= {DOCX_KB}",
            bool(docx) and kb <= DOCX_KB,
        )
    )
    detail = [
        "| comparison | A | A: wall s (CPU s) | A: peak MiB | B | B: wall s (CPU s) | B: peak MiB | A / B: wall (CPU) |",
        "|---|---|---:|---:|---|---:|---:|---:|",
        f"| full cold build, {len(sample['langs'])} languages x {len(FORMATS)} formats | uapress build --force | "
        f"{timing(cold)} | {memory(cold)} | pandoc, {sample['conversions']} conversions {args.jobs} at a time | "
        f"{timing(pandoc)} | {memory(pandoc)} | {figures[0].measured} |",
        f"| no-op rebuild | uapress build, cache warm | {timing(noop)} | {memory(noop)} | uapress build --force | "
        f"{timing(cold2)} | {memory(cold2)} | {figures[1].measured} |",
    ]
    return Section("The sample: cold and no-op builds", figures, detail)


def archive_section(args, work: Path, env: dict, progress) -> Section:
    """Measure the archives (one and two workers per size) and report them."""
    archive = bench_archive(args, work, env, progress)
    detail = [
        "| archive | editions | --jobs 1: wall s (CPU s) | per edition s | peak MiB | "
        "--jobs 2: wall s (CPU s) | per edition s | peak MiB | speed-up 2 over 1 |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in archive:
        one, two, n = row["one"], row["two"], row["editions"]
        detail.append(
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
    figures = [
        *(
            Figure(
                "growth" if jobs == 2 else "growth-1",
                f"time per edition, {size} action(s) / {smallest['size']} action(s), --jobs {jobs}",
                f"{growth[jobs]:.2f}",
                f"<= {PER_EDITION_GROWTH}",
                growth[jobs] <= PER_EDITION_GROWTH,
            )
            for jobs in (1, 2)
        ),
        Figure(
            "memory",
            f"peak memory of the process tree (PSS), {size} action(s), MiB",
            f"{mib(peak)}",
            f"<= {ARCHIVE_MEMORY_MIB}",
            peak <= ARCHIVE_MEMORY_MIB * MIB,
        ),
        Figure(
            "speedup",
            f"speed-up of 2 workers over 1, {size} action(s)",
            f"{speedup:.2f}",
            f">= {SPEEDUP_2_OVER_1}",
            speedup >= SPEEDUP_2_OVER_1,
        ),
        Figure(
            "pss-growth",
            f"peak PSS growth per action, {smallest['size']} to {size} action(s), MiB",
            f"{growth_pss:.2f}",
            f"<= {PSS_PER_ACTION_MIB}",
            growth_pss <= PSS_PER_ACTION_MIB,
        ),
    ]
    detail += [
        "",
        f"The memory target is judged on PSS: the memory the build's processes take from the machine, each page "
        f"shared by forked workers counted once in all. The sum of RSS ({mib(peak_rss)} MiB here) counts such a "
        f"page once per process that maps it, so it over-states a tree of workers by what they share.",
    ]
    return Section("Archives", figures, detail)


BENCHMARKS: dict[str, Callable[..., Section]] = {
    "sample": sample_section,
    "archive": archive_section,
    "serve": serve_section,
}
"""Every benchmark, by the name --only takes, in the order they run; each returns its Section."""


def report(sections: list[Section]) -> str:
    """Return the targets table, the earlier runs beside this one, and each benchmark's details, as Markdown."""
    figures = [figure for section in sections for figure in section.figures]
    lines = [
        "## Targets",
        "",
        "| figure | this run | target | verdict |",
        "|---|---:|---|---|",
        *(f"| {f.name} | {f.measured} | {f.target} | {verdict(f.ok)} |" for f in figures),
        "",
        "## Earlier runs",
        "",
        "| run | " + " | ".join(COLUMNS.values()) + " |",
        "|---|" + "---:|" * len(COLUMNS),
    ]
    this_run = {f.key: f.measured for f in figures}
    for when, values in (*EARLIER, ("this run", this_run)):
        lines.append(f"| {when} | " + " | ".join(values.get(key, "") for key in COLUMNS) + " |")
    for section in sections:
        lines += ["", f"## {section.title}", "", *section.detail]
    return "\n".join(lines)


def header(args, started: float) -> str:
    from importlib.metadata import version

    try:
        import pypandoc

        pandoc = pypandoc.get_pandoc_version()
    except (ImportError, OSError):  # `--only serve` or `--only archive` needs no pandoc
        pandoc = "not installed"
    load = os.getloadavg()
    return "\n".join(
        [
            "# uapress benchmark",
            "",
            f"- {dt.datetime.now().isoformat(timespec='seconds')}, {os.cpu_count()} cores, {platform.platform()}, "
            f"Python {platform.python_version()}",
            f"- uapress {version('uapress')}, WeasyPrint {version('weasyprint')}, pandoc {pandoc}",
            f"- benchmarks run: {', '.join(args.only)}",
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
    parser.add_argument("--only", help=f"benchmarks to run, comma-separated (default: all of {','.join(BENCHMARKS)})")
    parser.add_argument("--serve-saves", type=int, default=7, help="saves timed in the serve benchmark (default 7)")
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
    args.only = [name.strip() for name in args.only.split(",")] if args.only else list(BENCHMARKS)
    if args.no_archive:
        args.only = [name for name in args.only if name != "archive"]
    unknown = [name for name in args.only if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    args.load_before = os.getloadavg()[0]
    started = time.time()

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    env = child_env()
    work = Path(tempfile.mkdtemp(prefix="uapress-bench-"))
    try:
        sections = [BENCHMARKS[name](args, work, env, progress) for name in args.only]
    except BenchError as exc:
        print(f"bench: a measured command failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    text = header(args, started) + report(sections) + "\n"
    print(text)
    out = ROOT / "build" / "bench.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"written to {out.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
