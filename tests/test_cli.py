"""The real `shotcaller` entry point, run as a person runs it."""

import json
import subprocess
import sys

import pytest

from conftest import SHOTCALLER


def run(*args, check=True, input=None):
    proc = subprocess.run([SHOTCALLER, *map(str, args)], capture_output=True, text=True, input=input, timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"shotcaller {args} failed ({proc.returncode}): {proc.stderr}")
    return proc


def test_analyze_json_on_the_fixture(fixture_song, fixture_lrc):
    out = run("analyze", fixture_song, "--lyrics", fixture_lrc, "--json").stdout
    song = json.loads(out)
    assert abs(song["tempo"] - 170) <= 170 * 0.04 and abs(song["duration"] - 183.53) <= 0.05
    assert len(song["lyrics"]) == 18 and song["sections"]


def test_new_list_show_export_import_undo(fixture_song, fixture_lrc, tmp_path):
    pid = run("new", "--song", fixture_song, "--lyrics", fixture_lrc, "--title", "Chaos God").stdout.splitlines()[-1]
    assert pid == "chaos-god"
    assert "chaos-god" in run("list").stdout
    assert "(no shots yet)" in run("show", pid).stdout
    doc = json.loads(run("export", pid, "--format", "json", "--out", "-").stdout)
    assert doc["schema"] == "shotcaller.project/1" and doc["version"] == 1
    # give it four shots through an import, as another tool would
    dur = doc["song"]["duration"]
    doc["shots"] = [{"start": round(i * dur / 4, 4), "end": round((i + 1) * dur / 4, 4), "subject": f"subject {i}",
                     "reason": "r", "why_generative": "w"} for i in range(4)]
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(doc))
    assert "version 2" in run("import", pid, edited).stdout
    shown = run("show", pid).stdout
    assert "subject 3" in shown and "version 2" in shown
    out = tmp_path / "out.json"
    assert run("export", pid, "--out", out).stdout.strip() == str(out)
    assert len(json.loads(out.read_text())["shots"]) == 4
    assert "version 1" in run("undo", pid).stdout
    assert "version 2" in run("redo", pid).stdout


def test_bad_import_leaves_the_project_unchanged(fixture_song, tmp_path):
    pid = run("new", "--song", fixture_song).stdout.splitlines()[-1]
    doc = json.loads(run("export", pid, "--out", "-").stdout)
    doc["shots"] = [{"start": 0, "end": 10}, {"start": 12, "end": doc["song"]["duration"]}]
    bad = tmp_path / "gap.json"
    bad.write_text(json.dumps(doc))
    proc = run("import", pid, bad, check=False)
    assert proc.returncode == 2 and "shot 2" in proc.stderr and "gap" in proc.stderr
    junk = tmp_path / "junk.json"
    junk.write_bytes(b"\x00\xff" * 1000)
    proc = run("import", pid, junk, check=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert json.loads(run("export", pid, "--out", "-").stdout)["version"] == 1


@pytest.mark.parametrize("args, message", [
    (["analyze", "/nonexistent/song.ogg"], "does not exist"),
    (["show", "no-such-project"], "no project 'no-such-project'"),
    (["show", "../../etc"], "not a project folder"),
    (["export", "x", "--format", "docx"], "no project|not supported"),
])
def test_errors_are_one_line_without_traceback(args, message):
    proc = run(*args, check=False)
    assert proc.returncode == 2
    assert message.split("|")[0] in proc.stderr or message.split("|")[-1] in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_broken_lrc_is_reported_with_its_line(fixture_song, tmp_path):
    lrc = tmp_path / "bad.lrc"
    lrc.write_text("[00:01.00]fine\n[00:0x.00]broken\n")
    proc = run("new", "--song", fixture_song, "--lyrics", lrc, check=False)
    assert proc.returncode == 2 and "bad.lrc line 2" in proc.stderr
    assert "no projects yet" in run("list").stdout


def test_cli_does_not_import_torch_or_diffusers():
    code = ("import sys; from ui.cli import main; main(['list']); "
            "bad = [m for m in ('torch', 'diffusers', 'transformers', 'gradio') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, timeout=60)


def test_edit_commands_go_through_the_editor(click_wav, tmp_path):
    pid = run("new", "--song", click_wav[0], "--title", "Edit Me").stdout.splitlines()[-1]
    doc = json.loads(run("export", pid, "--out", "-").stdout)
    dur = doc["song"]["duration"]
    doc["shots"] = [{"start": round(i * dur / 4, 4), "end": round((i + 1) * dur / 4, 4), "subject": f"subject {i}",
                     "reason": "r", "why_generative": "w"} for i in range(4)]
    planned = tmp_path / "planned.json"
    planned.write_text(json.dumps(doc))
    run("import", pid, planned)

    def shots():
        return json.loads(run("export", pid, "--out", "-").stdout)["shots"]

    out = run("revise", pid, "2", "prompt=a paper moon over water", "shot_size=Close up").stdout
    assert out.strip() == "revised shots 2; version 3"  # the revise_shots operation's own line
    after = shots()
    assert (after[1]["prompt"], after[1]["shot_size"]) == ("a paper moon over water", "close-up")
    assert after[1]["critique"]["notes"]  # the critic reviewed the edit, as it does everywhere
    assert "version 4" in run("lock", pid, "3").stdout
    proc = run("revise", pid, "3", "prompt=x", check=False)
    assert proc.returncode == 2 and "shot 3 is locked" in proc.stderr and len(proc.stderr.splitlines()) == 1
    proc = run("revise", pid, "2", "colour=red", check=False)
    assert proc.returncode == 2 and "changes.colour: Extra inputs are not permitted" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = run("split", pid, "1", dur - 1, check=False)  # split and merge: see test_editor.py
    assert proc.returncode == 2 and "is not inside shot 1" in proc.stderr
    assert "version 5" in run("unlock", pid, "3").stdout and not shots()[2]["locked"]
    assert "'Edited Title'" in run("rename", pid, "Edited Title").stdout
    assert "version 5" in run("undo", pid).stdout
    proc = run("ui", "--host", "0.0.0.0", "--mcp", check=False)
    assert proc.returncode == 2 and "--mcp lets any MCP client on the network edit projects" in proc.stderr
