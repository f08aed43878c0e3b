"""The ``kpitools`` entry point: dispatch and output to a closed pipe."""

import subprocess
import sys

from kpitools.paths import PROJECT_DIR


def test_closed_pipe_ends_quietly():
    # Closing the read end first makes every write of the child fail with
    # EPIPE, as when ``kpitools kpis --list | head -3`` stops reading.
    process = subprocess.Popen(
        [sys.executable, "-m", "kpitools.cli", "kpis", "--list"],
        cwd=PROJECT_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()
    stderr = process.stderr.read().decode()
    process.stderr.close()
    status = process.wait(timeout=60)
    assert "BrokenPipeError" not in stderr
    assert "Traceback" not in stderr
    assert status == 0


def test_unknown_subcommand_exits_2():
    process = subprocess.run(
        [sys.executable, "-m", "kpitools.cli", "nosuch"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.returncode == 2
    assert "invalid choice: 'nosuch'" in process.stderr
