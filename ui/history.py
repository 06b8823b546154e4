"""The History tab: every saved version of a project, named by what it changed, and the difference
between a version and the one before it (which shots changed, old → new). Pure functions of the
project store; reverting goes through `ProjectEditor.revert` (one new version)."""

from __future__ import annotations

from shotlist.lyrics import fmt_time
from shotlist.models import Project, Shot
from shotlist.store import ProjectStore

# the fields a diff shows, in the order an artist reads a shot, with their names in the studio
SHOWN_FIELDS = {"start": "start", "end": "end", "section": "section", "shot_size": "shot size", "angle": "angle",
                "movement": "movement", "lens": "lens", "subject": "subject", "action": "action",
                "setting": "setting", "prompt": "prompt", "reason": "reason", "why_generative": "why generative",
                "locked": "locked", "picked_take": "take"}
PROJECT_FIELDS = {"title": "title", "brief": "brief", "style": "style"}
MAX_SHOWN = 60  # characters of a changed text shown on each side of the arrow


def clip(value: object) -> str:
    text = fmt_time(value) if isinstance(value, float) else str(value if value not in (None, "") else "—")
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 1] + "…"


def shot_changes(old: Shot, new: Shot) -> list[tuple[str, str, str]]:
    """(field, old, new) for each shown field that differs."""
    out = []
    for name, label in SHOWN_FIELDS.items():
        a, b = getattr(old, name), getattr(new, name)
        if a != b and not (isinstance(a, float) and isinstance(b, float) and abs(a - b) < 0.005):
            out.append((label, clip(a), clip(b)))
    return out


def changes(old: Project | None, new: Project) -> dict:
    """What `new` changed against `old`: project fields, and shots added, removed and changed (by
    their number in `new`, removed ones by their number in `old`)."""
    before = {s.id: (n, s) for n, s in enumerate(old.shots, 1)} if old else {}
    after = {s.id for s in new.shots}
    changed, added = [], []
    for n, s in enumerate(new.shots, 1):
        if s.id not in before:
            added.append(n)
        elif diff := shot_changes(before[s.id][1], s):
            changed.append((n, before[s.id][0], diff))
    removed = [n for i, (n, _) in before.items() if i not in after]
    fields = [label for f, label in PROJECT_FIELDS.items() if old is not None and getattr(old, f) != getattr(new, f)]
    return {"fields": fields, "added": added, "removed": removed, "changed": changed}


def name(version: int, old: Project | None, new: Project) -> str:
    """A version's name: what it did, in a few words."""
    if old is None:
        return f"v{version} · created ({len(new.shots)} shots)"
    d = changes(old, new)
    if not old.shots and new.shots:
        return f"v{version} · first plan ({len(new.shots)} shots)"
    parts = []
    if d["changed"]:
        parts.append(f"changed {numbers([n for n, _, _ in d['changed']])}")
    if d["added"]:
        parts.append(f"added {numbers(d['added'])}")
    if d["removed"]:
        parts.append(f"removed {numbers(d['removed'])}")
    parts += d["fields"]
    return f"v{version} · " + ("; ".join(parts) if parts else "no visible change")


def numbers(ns: list[int]) -> str:
    shown = ", ".join(map(str, ns[:6])) + (f" +{len(ns) - 6}" if len(ns) > 6 else "")
    return f"shot {shown}" if len(ns) == 1 else f"shots {shown}"


def versions(store: ProjectStore, project_id: str) -> list[tuple[str, int]]:
    """Every readable version, newest first, as (name, number): the operation that saved it, as the store
    keeps it ("swap 3 ↔ 4"), then what it changed."""
    out, previous = [], None
    labels = dict(store.history(project_id))
    for v in store.versions(project_id):
        try:
            p = store.load_version(project_id, v)
        except Exception:  # noqa: BLE001 - an unreadable version is listed as such, the rest still show
            out.append((f"v{v} · unreadable", v))
            continue
        named = name(v, previous, p)
        if labels.get(v):
            head, _, what = named.partition(" · ")
            named = f"{head} · {labels[v]} · {what}"
        out.append((named, v))
        previous = p
    return out[::-1]


def diff_text(store: ProjectStore, project_id: str, version: int, current: int) -> str:
    """What `version` changed against the one before it, as Markdown."""
    new = store.load_version(project_id, version)
    try:
        old = store.load_version(project_id, version - 1) if version > 1 else None
    except Exception:  # noqa: BLE001
        old = None
    d = changes(old, new)
    head = f"**Version {version}**" + (" (the one shown now)" if version == current else "")
    if old is None:
        return f"{head}: the project as created, {len(new.shots)} shots."
    lines = [head + f": {len(old.shots)} → {len(new.shots)} shots."]
    if d["fields"]:
        lines.append("Changed the " + ", ".join(d["fields"]) + ".")
    for n, was, diff in d["changed"]:
        moved = f" (was {was})" if was != n else ""
        lines.append(f"- **Shot {n}**{moved}: " + "; ".join(f"{f}: {a} → {b}" for f, a, b in diff))
    if d["added"]:
        lines.append(f"- Added {numbers(d['added'])}.")
    if d["removed"]:
        lines.append(f"- Removed {numbers(d['removed'])} (numbered as in version {version - 1}).")
    if len(lines) == 1:
        lines.append("Nothing a shot shows changed (the critic's notes or a take, perhaps).")
    return "\n".join(lines)
