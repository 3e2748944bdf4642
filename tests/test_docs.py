"""The README and the pages in docs/ show commands a reader will type: this runs every one it can, as written,
against the sample, so an example that stopped working fails the suite.

A page's ```bash blocks are read in order; each command (continuation lines joined) that starts with `bbfair`
or `curl` runs with bash in a scratch folder holding a copy of `data/` (its base IRI moved to a free port), and
`shapes/` and `vocab/` beside it, as in the project folder. `http://127.0.0.1:8000` in a command becomes the
server this test starts on that port over `site/`, the store the pages build. `curl` gets `-sS --fail-with-body`,
so an HTTP error fails. A command must exit 0. Not run, and listed when the test runs with `-rA`: `bbfair serve`
(the test serves the store itself), set-up and benchmark commands (pip, venv, python: CI runs the set-up
command, bench/ runs separately), and a command whose comment says `not run here:` and why.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from webserver import free_port, serving

from bbfair.builder.publish import build

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
DOCUMENTED_PORT = "http://127.0.0.1:8000"
RUNNABLE = ("bbfair", "curl")
NOT_RUN_MARK = "# not run here:"


@dataclass(frozen=True)
class Command:
    page: str
    line: int
    text: str

    def skip_reason(self) -> str | None:
        words = self.text.split()
        if NOT_RUN_MARK in self.text:
            return self.text.split(NOT_RUN_MARK, 1)[1].strip()
        if words[0] not in RUNNABLE:
            return "set-up or benchmark command"
        if words[:2] == ["bbfair", "serve"]:
            return "the test serves the store itself"
        return None


def commands(page: Path) -> list[Command]:
    """Every command of the page's ```bash blocks, continuation lines joined, in order."""
    out: list[Command] = []
    inside, pending, start = False, "", 0
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("```"):
            inside = line.strip() == "```bash" and not inside
            continue
        if not inside:
            continue
        if not pending:
            start = number
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        text = (pending + line).strip()
        pending = ""
        if text and not text.startswith("#"):
            out.append(Command(page.name, start, text))
    return out


@dataclass
class Scratch:
    folder: Path
    url: str
    env: dict[str, str]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scratch]:
    """A project-like folder with the sample, built into `site/` and served on a free port."""
    folder = tmp_path_factory.mktemp("reader")
    shutil.copytree(ROOT / "data", folder / "data", ignore=shutil.ignore_patterns(".bbfair"))
    for name in ("shapes", "vocab"):
        (folder / name).symlink_to(ROOT / name)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    toml = folder / "data" / "bbfair.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(DOCUMENTED_PORT, url), encoding="utf-8")
    result = build(folder / "data", folder / "site", workers=1)
    assert result.status == "published", result.report
    env = dict(os.environ, XDG_CACHE_HOME=str(folder / ".cache"), NO_COLOR="1", COLUMNS="200",
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    with serving(folder / "site", port):
        yield Scratch(folder, url, env)


def test_the_pages_show_commands_to_run() -> None:
    """The reader's pages exist and each one but the contributor's has commands this test runs."""
    names = {p.name for p in PAGES}
    assert {"README.md", "data-manager.md", "harvester.md", "steward.md", "deployer.md", "contributor.md"} <= names
    for page in PAGES:
        runnable = [c for c in commands(page) if c.skip_reason() is None]
        assert runnable or page.name == "contributor.md", f"{page.name} shows no command the test can run"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_command_of_the_page_runs(page: Path, scratch: Scratch) -> None:
    failures, skipped = [], []
    for command in commands(page):
        reason = command.skip_reason()
        if reason:
            skipped.append(f"{command.page}:{command.line}: {command.text[:80]} ({reason})")
            continue
        text = command.text.replace(DOCUMENTED_PORT, scratch.url)
        if text.startswith("curl ") and not _shows_status(text):
            text = "curl -sS --fail-with-body " + text[len("curl "):]
        done = subprocess.run(["bash", "-c", text], cwd=scratch.folder, env=scratch.env, capture_output=True,
                              text=True, timeout=300)
        if done.returncode != 0:
            said = re.sub(r"\s+", " ", (done.stderr or done.stdout)[-600:])
            failures.append(f"{command.page}:{command.line}: `{command.text}` exited {done.returncode}: {said}")
    print("\n".join(["not run:", *skipped]) if skipped else "every command ran")
    assert not failures, "\n".join(failures)


def _shows_status(text: str) -> bool:
    """A curl that prints the status itself (`-i`, `-w`) shows an error answer on purpose: its exit code is 0."""
    words = text.split()
    return "-i" in words or "-w" in words or "--write-out" in words or any(w.startswith("-si") for w in words)


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_link_between_the_pages_leads_somewhere(page: Path) -> None:
    """A relative link names a file of the project and, with `#anchor`, one of its headings."""
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(f"{target}: no such file")
        elif anchor and file.suffix == ".md":
            headings = re.findall(r"^#+ (.+)$", file.read_text(encoding="utf-8"), flags=re.M)
            if anchor not in {_slug(h) for h in headings}:
                broken.append(f"{target}: no heading #{anchor} in {file.name}")
    assert not broken, f"{page.name}: " + "; ".join(broken)
