#!/usr/bin/env python3
"""Generate an archive of N urgent actions for benchmarks: copies of the sample with varied text.

Each copy gets a unique slug, other people's names (the same new name everywhere: action.yaml, every
PO msgid and msgstr, the `keep` list) and its paragraphs' sentences in another order. A paragraph's
translations are reordered the same way when they have as many sentences as the source, and every PO
entry follows its new msgid (and segment id), so each copy is translated exactly as far as the sample
is: the same translated, missing and fuzzy counts, the same warnings, no errors.

Usage: scripts/make_archive.py DEST [--count N] [--seed S]   (DEST gets source/ and styles/)
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from pathlib import Path

from uapress.localise import localise, po
from uapress.localise.segments import action_segments, segment_id
from uapress.source import load_action

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "source" / "actions" / "venezuela-hrd-release"
PARAGRAPH_FIELDS = ("summary", "letter", "background")

# People named in the sample (the other `keep` terms are places and organisations and stay).
PEOPLE = (
    "Rocío San Miguel",
    "Carlos Julio Rojas",
    "Javier Tarazona",
    "Kennedy Tejada",
    "Eduardo Torres",
    "Delcy Rodríguez",
    "Nicolás Maduro",
    "Cilia Flores",
    "Jorge Rodríguez",
    "Jorgen Guanares",
    "Alfredo Diaz",
)
FIRST = (
    "Ana",
    "Beatriz",
    "Camila",
    "Daniela",
    "Elena",
    "Fabiola",
    "Gabriela",
    "Inés",
    "Julia",
    "Lucía",
    "Andrés",
    "Bruno",
    "César",
    "Diego",
    "Esteban",
    "Felipe",
    "Gonzalo",
    "Hugo",
    "Iván",
    "Mateo",
)
LAST = (
    "Acosta",
    "Benítez",
    "Castillo",
    "Delgado",
    "Escobar",
    "Figueroa",
    "Guzmán",
    "Herrera",
    "Ibarra",
    "Jiménez",
    "León",
    "Medina",
    "Navarro",
    "Ochoa",
    "Paredes",
    "Quintero",
    "Salazar",
    "Vargas",
)
# A sentence ends at . ! ? or the Arabic question mark, before a space and a capital (or any letter
# of a script without case), a quote or an opening bracket; never inside [link text] or (a target).
_BOUNDARY = re.compile(r"(?<=[.!?\u061f])\s+")


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, leaving Markdown links whole."""
    out, start = [], 0
    for match in _BOUNDARY.finditer(text):
        head, nxt = text[start : match.start()], text[match.end() : match.end() + 1]
        balanced = head.count("[") == head.count("]") and head.count("(") == head.count(")")
        starts_sentence = nxt.isupper() or (nxt.isalpha() and not nxt.islower()) or nxt in "\"'«¿¡"
        if balanced and starts_sentence:
            out.append(head)
            start = match.end()
    out.append(text[start:])
    return out


def _renamer(rng: random.Random):
    """Return a function giving every person of the sample a new name, the same everywhere."""
    names = rng.sample([f"{first} {last}" for first in FIRST for last in LAST], len(PEOPLE))
    mapping = dict(zip(PEOPLE, names))
    pattern = re.compile("|".join(re.escape(name) for name in sorted(mapping, key=len, reverse=True)))
    return lambda text: pattern.sub(lambda m: mapping[m.group(0)], text)


def _shuffler(rng: random.Random, action):
    """Return {source block: (new block, permutation)} for the paragraphs with several sentences."""
    plan = {}
    for segment in action_segments(action):
        if segment.field.split(".")[0] not in PARAGRAPH_FIELDS or "\n" in segment.source:
            continue
        parts = sentences(segment.source)
        if len(parts) < 2:
            continue
        order = list(range(len(parts)))
        while order == sorted(order):
            rng.shuffle(order)
        plan[segment.source] = (" ".join(parts[i] for i in order), order)
    return plan


def _reorder(text: str, order: list[int]) -> str:
    parts = sentences(text)
    return " ".join(parts[i] for i in order) if len(parts) == len(order) else text


def make_copy(sample: Path, dest: Path, index: int, seed: int = 0) -> Path:
    """Write copy `index` of the action folder `sample` into `dest/<slug>`; return its action.yaml."""
    action, _ = load_action(sample / "action.yaml")
    rng = random.Random(f"{seed}:{index}")
    rename = _renamer(rng)
    plan = _shuffler(rng, action)
    folder = dest / f"ua-{index:04d}"
    (folder / "translations").mkdir(parents=True, exist_ok=True)

    text = (sample / "action.yaml").read_text(encoding="utf-8")
    for block, (new, _) in plan.items():
        line = f"  {block}\n"
        if text.count(line) == 1:  # a block written on one line of a literal scalar
            text = text.replace(line, f"  {new}\n")
        else:
            plan[block] = (block, list(range(len(sentences(block)))))
    (folder / "action.yaml").write_text(rename(text), encoding="utf-8")

    for store in sorted((sample / "translations").glob("*.po")):
        catalogue = po.read(store)
        for entry in catalogue.entries:
            new, order = plan.get(entry.msgid, (entry.msgid, None))
            if order is not None and entry.msgstr:
                entry.msgstr = _reorder(entry.msgstr, order)
            if entry.previous:
                entry.previous = rename(entry.previous)
            entry.msgid, entry.msgstr = rename(new), rename(entry.msgstr)
            entry.notes = [
                f"id: {segment_id(entry.context, entry.msgid)}" if note.startswith("id: ") else note
                for note in entry.notes
            ]
        (folder / "translations" / store.name).write_text(po.render(catalogue), encoding="utf-8")
    return folder / "action.yaml"


def make_archive(dest: Path, count: int, seed: int = 0, sample: Path = SAMPLE, check: bool = True) -> Path:
    """Create a project in `dest` (source/, styles/) holding `count` varied copies of `sample`; return `dest`."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(ROOT / "source" / "labels", dest / "source" / "labels")
    shutil.copytree(ROOT / "styles", dest / "styles")
    actions = dest / "source" / "actions"
    paths = [make_copy(sample, actions, index, seed) for index in range(1, count + 1)]
    if check:
        _check(dest, sample, paths)
    return dest


def _check(root: Path, sample: Path, paths: list[Path]) -> None:
    """Fail unless every copy loads and is translated exactly as far as the sample, language by language."""
    original, _ = load_action(sample / "action.yaml")
    expected = {lang: localise(original, lang, ROOT).counts for lang in original.editions}
    for path in paths:
        action, _ = load_action(path)
        for lang in action.editions:
            counts = localise(action, lang, root).counts
            if counts != expected[lang]:
                raise SystemExit(f"{path.parent.name}/{lang}: counts {counts}, the sample has {expected[lang]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path, help="folder to create (replaced when it exists)")
    parser.add_argument("--count", "-n", type=int, default=10, help="number of actions (default 10)")
    parser.add_argument("--seed", type=int, default=0, help="variation seed (default 0)")
    args = parser.parse_args(argv)
    make_archive(args.dest, args.count, args.seed)
    print(f"{args.dest}: {args.count} action(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
