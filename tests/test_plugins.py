"""Formats and backends from another package, through entry points: nothing is installed; a fake
distribution (a `*.dist-info` with entry_points.txt beside its module) is put on sys.path, and the CLI,
the studio's menu and the render code find and use what it declares."""

from __future__ import annotations

import textwrap

import pytest

from generation import backend as backend_registry
from helpers import planned_song
from shotlist import plugins
from shotlist import export as format_registry
from shotlist.store import ProjectStore
from ui.cli import main

PLUGIN = '''
from generation.animatic import AnimaticBackend
from shotlist.export import Format


def write(project, folder):
    return "\\n".join(f"{n}. {s.subject}" for n, s in enumerate(project.shots, 1)).encode()


FORMAT = Format("shotnotes", ".notes", write, None, "numbered subjects, one a line")


class CloudBackend(AnimaticBackend):  # draws cards, as a cloud service's stand-in
    name = "fake-cloud"
    needs_gpu = True


class CpuBackend(AnimaticBackend):
    name = "cpu-cards"
    needs_gpu = False


class KeyframeBackend(AnimaticBackend):
    name = "fake-keys"
    makes_keyframes = True
'''

ENTRY_POINTS = '''
[shotcaller.formats]
shotnotes = shotcaller_fake_plugin:FORMAT
broken = shotcaller_fake_plugin:NOT_THERE

[shotcaller.backends]
fake-cloud = shotcaller_fake_plugin:CloudBackend
cpu-cards = shotcaller_fake_plugin:CpuBackend
fake-keys = shotcaller_fake_plugin:KeyframeBackend
cloud-v2 = shotcaller_fake_plugin:NOT_BUILT_YET
'''


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    """The fake distribution on sys.path; the registries as they were once the test ends."""
    site = tmp_path / "site"
    info = site / "shotcaller_fake_plugin-0.1.dist-info"
    info.mkdir(parents=True)
    (site / "shotcaller_fake_plugin.py").write_text(textwrap.dedent(PLUGIN))
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: shotcaller-fake-plugin\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(ENTRY_POINTS)
    format_registry.formats(), backend_registry.backends()  # the built-ins in, before the copies
    monkeypatch.setattr(format_registry, "_FORMATS", dict(format_registry._FORMATS))
    monkeypatch.setattr(backend_registry, "_BACKENDS", dict(backend_registry._BACKENDS))
    for name in ("_loaded", "_failed", "_origin"):
        monkeypatch.setattr(plugins, name, dict(getattr(plugins, name)))
    monkeypatch.syspath_prepend(str(site))
    yield
    import sys

    sys.modules.pop("shotcaller_fake_plugin", None)


@pytest.fixture
def project(click_wav):
    store = ProjectStore()
    return store, planned_song(store, click_wav[0], 3)


def test_without_the_plugin_nothing_is_there(project, capsys):
    assert "shotnotes" not in format_registry.formats() and "fake-cloud" not in backend_registry.backends()
    assert main(["export", project[1], "--format", "shotnotes"]) == 2
    assert "is not supported; available: csv" in capsys.readouterr().err


def test_a_plugin_format_is_listed_and_exports(plugin, project, tmp_path, capsys):
    store, pid = project
    assert main(["formats"]) == 0
    listed = [" ".join(line.split()) for line in capsys.readouterr().out.splitlines()]
    assert "shotnotes .notes export numbered subjects, one a line (shotcaller-fake-plugin)" in listed
    assert "fcpxml .fcpxml export Final Cut Pro X / DaVinci Resolve XML (built-in)" in listed
    assert not any(line.startswith("broken") for line in listed)
    out = tmp_path / "shots.notes"
    assert main(["export", pid, "--format", "shotnotes", "--out", str(out)]) == 0
    subjects = [s.subject for s in store.load(pid).shots]
    assert out.read_text().splitlines() == [f"{n}. {s}" for n, s in enumerate(subjects, 1)]
    # a declared plugin that does not load: left out of the list, and asking for it says why
    assert main(["export", pid, "--format", "broken"]) == 2
    err = capsys.readouterr().err
    assert "shotcaller_fake_plugin:NOT_THERE from shotcaller-fake-plugin did not load: AttributeError" in err


def test_a_plugin_backend_is_a_choice_and_renders(plugin, project, capsys):
    store, pid = project
    assert main(["backends"]) == 0
    listed = [" ".join(line.split()) for line in capsys.readouterr().out.splitlines()]
    assert "fake-cloud needs a GPU (shotcaller-fake-plugin)" in listed
    assert "animatic CPU (built-in)" in listed
    assert "diffusers-stills needs a GPU, makes keyframes (built-in)" in listed
    assert {"fake-cloud", "cpu-cards", "fake-keys"} <= set(backend_registry.backends())  # the studio's menu
    assert main(["render", pid, "--backend", "fake-cloud", "--width", "96", "--height", "64", "--shots", "1"]) == 0
    assert capsys.readouterr().out.strip().endswith(".mp4")
    take = store.load(pid).shots[0].takes[0]
    assert (take.backend, take.status) == ("fake-cloud", "done")
    assert "cloud-v2" not in backend_registry.backends()
    assert main(["render", pid, "--backend", "cloud-v2", "--width", "96", "--height", "64"]) == 2
    assert ("render backend 'cloud-v2': shotcaller_fake_plugin:NOT_BUILT_YET from shotcaller-fake-plugin did not "
            "load: AttributeError") in capsys.readouterr().err


def test_the_render_code_reads_what_a_backend_declares(plugin, project):
    """Keyframes and GPUs by declaration, not by name: a plugin's keyframe takes are kept beside a later
    render and skipped by the cut (the name check kept only 'diffusers-stills'); a plugin that needs no GPU
    gets a CPU on a cluster with GPUs (the name check gave every backend but the animatic a GPU)."""
    from generation.ray_render import RayRenderer
    from generation.render import Renderer
    from generation.route import RenderOptions, settings_for

    store, pid = project
    small = settings_for(store.load(pid).brief.constraints, RenderOptions(width=96, height=64))
    assert backend_registry.keyframe_backends() == ("diffusers-stills", "fake-keys")
    Renderer(store, pid, "fake-keys", small).render(shots=[1], assemble_cut=False)
    renderer = Renderer(store, pid, "animatic", small)
    renderer.render(shots=[1], assemble_cut=False)
    shot = store.load(pid).shots[0]
    assert [t.backend for t in shot.takes] == ["fake-keys", "animatic"]
    assert renderer.clip_for(store.load(pid), 1).name == f"{shot.takes[1].cache_key}.mp4"

    class Cluster:
        def cluster_resources(self):
            return {"GPU": 2, "CPU": 8}

    chosen = {name: RayRenderer(store, pid, name, small).worker_options(Cluster(), 10)
              for name in ("animatic", "cpu-cards", "fake-cloud", "diffusers-video")}
    assert chosen == {"animatic": (8, {"num_cpus": 1}), "cpu-cards": (8, {"num_cpus": 1}),
                      "fake-cloud": (2, {"num_gpus": 1, "num_cpus": 1}),
                      "diffusers-video": (2, {"num_gpus": 1, "num_cpus": 1})}
