"""`forked.call`: a build's first half runs in a child process whose result, progress and errors reach the
parent, and which never outlives it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bbfair.builder import forked
from bbfair.errors import InputError, Problem


def test_result_and_progress_come_back_from_another_process() -> None:
    seen: list[tuple[str, int, int]] = []

    def work(step: forked.Progress) -> dict[str, int]:
        for i in range(3):
            step("convert", i, 3)
        return {"pid": os.getpid()}

    result = forked.call(work, lambda *args: seen.append(args))
    assert result["pid"] != os.getpid()
    assert seen == [("convert", 0, 3), ("convert", 1, 3), ("convert", 2, 3)]


def _bad_input(step: forked.Progress) -> None:
    raise InputError(problems=[Problem("not a number", file="Collections.csv", line=7, column="size")])


def test_an_input_error_in_the_child_is_raised_with_its_problems() -> None:
    with pytest.raises(InputError) as caught:
        forked.call(_bad_input)
    assert caught.value.problems == [Problem("not a number", file="Collections.csv", line=7, column="size")]
    assert any("_bad_input" in note for note in caught.value.__notes__)  # the child's traceback


def test_an_exception_that_does_not_pickle_still_says_what_happened() -> None:
    class Local(Exception):  # a local class cannot be pickled
        pass

    def work(step: forked.Progress) -> None:
        raise Local("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        forked.call(work)


def test_a_child_that_is_killed_is_an_error_not_a_hang() -> None:
    def work(step: forked.Progress) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    with pytest.raises(forked.ChildDied, match="exit code -9"):
        forked.call(work)


def test_the_child_dies_with_its_parent(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    script = tmp_path / "parent.py"
    script.write_text(
        "import os, sys, time\n"
        "from pathlib import Path\n"
        "from bbfair.builder import forked\n"
        "def work(step):\n"
        f"    Path({str(pid_file)!r}).write_text(str(os.getpid()))\n"
        "    time.sleep(60)\n"
        "forked.call(work)\n", encoding="utf-8")
    parent = subprocess.Popen([sys.executable, str(script)])
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (pid_file.exists() and pid_file.read_text()):
            time.sleep(0.02)
        child = int(pid_file.read_text())
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _alive(child):
            time.sleep(0.05)
        assert not _alive(child), "the child outlived its killed parent"
    finally:
        parent.kill()


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False
