"""The domain: one typed model that the store, the agent's tools, the UI and every exporter share.

Field descriptions are documentation for people *and* the LLM: they become the tool schema.
The JSON form of `Project` is the public contract `shotcaller.project/1`.
"""

from __future__ import annotations

import re
import secrets
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator
from pydantic.fields import FieldInfo

from .errors import TimelineError
from .look import palette_word

SCHEMA_ID = "shotcaller.project/1"
LOW_CONFIDENCE = 0.5  # a beat grid less sure than this is flagged to the artist

ShotSize = Literal[
    "extreme wide", "wide", "full", "medium wide", "medium", "medium close-up", "close-up",
    "extreme close-up", "insert",
]
Angle = Literal["eye level", "low", "high", "overhead", "dutch", "pov", "over the shoulder", "worm's eye"]
Movement = Literal[
    "static", "push in", "pull out", "pan left", "pan right", "tilt up", "tilt down", "orbit",
    "handheld", "crane up", "crane down", "tracking",
]
Transition = Literal["cut", "crossfade", "fade to black"]

SHOT_SIZES: tuple[str, ...] = ShotSize.__args__  # type: ignore[attr-defined]
ANGLES: tuple[str, ...] = Angle.__args__  # type: ignore[attr-defined]
MOVEMENTS: tuple[str, ...] = Movement.__args__  # type: ignore[attr-defined]
TRANSITIONS: tuple[str, ...] = Transition.__args__  # type: ignore[attr-defined]


def new_shot_id() -> str:
    """A short random id that stays with a shot through every revision."""
    return "s" + secrets.token_hex(4)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


# ---------------------------------------------------------------------------- song


class Section(_Model):
    start: float = Field(description="Start of the section, seconds from the top of the song.")
    end: float = Field(description="End of the section, seconds.")
    label: str = Field(description="intro, verse, chorus, bridge, outro, or a letter for a repeated part.")
    energy: float = Field(ge=0, le=1, description="Loudness of the section relative to the song, 0..1.")
    group: str = Field(default="", description="Sections with the same group letter sound alike (the same music).")


class LyricLine(_Model):
    time: float | None = Field(description="When the line is sung, seconds; null when the lyrics are untimed.")
    text: str = Field(description="The words of the line.")
    timed: bool = Field(default=True, description="False when the time was estimated, not given by an LRC.")
    stanza: int | None = Field(default=None, description="0-based paragraph of plain-text lyrics (blank lines split them).")


class Song(_Model):
    path: str = Field(description="The audio file; relative to the project folder inside a project.")
    sha256: str = Field(description="Hash of the audio file's bytes: the analysis cache key.")
    duration: float = Field(gt=0, description="Length of the song in seconds.")
    sample_rate: int = Field(description="Sample rate of the audio file, Hz.")
    tempo: float = Field(description="Estimated tempo, beats per minute.")
    beats: list[float] = Field(default_factory=list, description="Beat times, seconds.")
    bars: list[float] = Field(default_factory=list, description="Downbeat (bar line) times, seconds.")
    sections: list[Section] = Field(default_factory=list, description="Song sections, contiguous.")
    lyrics: list[LyricLine] = Field(default_factory=list, description="Lyric lines in order.")
    energy: list[float] = Field(
        default_factory=list, description="Loudness envelope (0..1), one value every `energy_hop` seconds."
    )
    energy_hop: float = Field(default=0.25, description="Seconds between two `energy` values.")
    title: str | None = Field(default=None, description="Title from the file's tags or the LRC, if any.")
    confidence: float | None = Field(
        default=None, ge=0, le=1,
        description="How sure the analysis is of the beat grid, 0..1 (null: analysed before this was measured).",
    )
    analysis_notes: list[str] = Field(
        default_factory=list, description="What the analysis decided and why (phase, tempo changes, weak evidence)."
    )

    @property
    def low_confidence(self) -> bool:
        """True when the beat grid should not be presented as certain."""
        return self.confidence is not None and self.confidence < LOW_CONFIDENCE

    def confidence_note(self) -> str | None:
        """One line for the chat when the grid is uncertain, else None."""
        if not self.low_confidence:
            return None
        why = "; ".join(n for n in self.analysis_notes if n.startswith(("weak", "tempo varies", "fewer", "short")))
        return (f"The beat grid is uncertain (confidence {self.confidence:.2f}{': ' + why if why else ''}); "
                "cuts may not land on the beat — check a few in the timeline, or give the tempo "
                "(\"the tempo is 95\", `shotcaller regrid PROJECT --bpm 95`, or the studio's tempo row).")

    def section_at(self, t: float) -> Section | None:
        for s in self.sections:
            if s.start <= t < s.end:
                return s
        return self.sections[-1] if self.sections and t >= self.sections[-1].start else None


# ---------------------------------------------------------------------------- intent


class Constraints(_Model):
    aspect: str = Field(default="16:9", description="Aspect ratio of the video, e.g. 16:9, 9:16, 1:1, 4:5.")
    resolution: str = Field(default="1280x720", description="Output size as WIDTHxHEIGHT.")
    fps: float = Field(default=24.0, gt=0, le=120, description="Frames per second of the video.")
    notes: list[str] = Field(default_factory=list, description="Other constraints in the artist's words.")
    avoid: list[str] = Field(
        default_factory=list,
        description="What no shot may show, e.g. 'text on screen', 'faces in close-up': never a shot's content, "
        "always in its negative prompt.",
    )
    banned_sizes: list[ShotSize] = Field(default_factory=list, description="Shot sizes no shot may use.")

    @field_validator("resolution")
    @classmethod
    def _resolution(cls, v: str) -> str:
        w, _, h = v.lower().partition("x")
        if not (w.isdigit() and h.isdigit() and int(w) > 0 and int(h) > 0):
            raise ValueError(f"resolution must look like 1280x720, got {v!r}")
        return f"{int(w)}x{int(h)}"

    @property
    def size(self) -> tuple[int, int]:
        w, h = self.resolution.split("x")
        return int(w), int(h)


class Brief(_Model):
    logline: str = Field(default="", description="The concept in one sentence.")
    meaning: str = Field(default="", description="What the song is about, in the artist's words.")
    story: str = Field(default="", description="The story or progression the video follows.")
    motifs: list[str] = Field(default_factory=list, description="Recurring images, objects, symbols.")
    feeling: str = Field(default="", description="The emotional tone, mood, palette of feeling.")
    palette: str = Field(default="", description="Colours and light.")
    references: list[str] = Field(default_factory=list, description="Films, artists, videos that inspire it.")
    why_generative: str = Field(
        default="", description="Why this song needs generated video: what no camera could shoot."
    )
    constraints: Constraints = Field(default_factory=Constraints)
    said: dict[str, list[str]] = Field(
        default_factory=dict, description="The artist's words each field was filed from, verbatim, by field name "
        "(set when an answer is filed; shown beside the field so a misfiled answer is seen).")
    took_back: dict[str, list[str]] = Field(
        default_factory=dict, description="What the artist took back for a part of the song, by section group "
        "('verse 2': ['ankles'] for 'no ankles yet in verse two'); the critic flags a shot that shows it. By brief "
        "field, the answers a correction replaced ('meaning': ['her kitchen'] for 'actually, it's about the house').")


# What an agent or an MCP client may set in the brief: the artist's words beside each field and their corrections
# are filed from the conversation, not set.
BRIEF_SETTABLE = tuple(f for f in Brief.model_fields if f not in ("said", "took_back"))


class Character(_Model):
    name: str = Field(description="Name used in prompts.")
    description: str = Field(description="Look of the character, repeated in every prompt they appear in.")
    seed: int | None = Field(default=None, description="Seed that keeps the character consistent.")


class StyleBible(_Model):
    look: str = Field(default="", description="Global look: medium, film stock, lighting, texture.")
    characters: list[Character] = Field(default_factory=list)
    negative_prompt: str = Field(default="", description="What no shot should show.")


# ---------------------------------------------------------------------------- shots


class Critique(_Model):
    grounding: float = Field(default=0.0, description="How well the shot ties to its lyric, section and brief, 0..1.")
    generic: bool = Field(default=False, description="The shot is close to a music-video cliché.")
    camera_shootable: bool = Field(default=False, description="A phone camera could film this shot.")
    notes: list[str] = Field(default_factory=list, description="Findings in plain words.")


class Take(_Model):
    id: str = Field(description="Take id, unique within the shot.")
    seed: int
    backend: str
    model: str | None = None
    path: str | None = Field(default=None, description="Rendered clip, relative to the project folder.")
    status: Literal["pending", "done", "failed"] = "pending"
    error: str | None = None
    cache_key: str | None = None
    reads: dict[str, Any] = Field(default_factory=dict, description="The shot's fields the backend read for this "
                                  "take (and its frame count): what a later render compares to say why it re-rendered.")


CHOICE_FIELDS = ("shot_size", "angle", "movement", "transition")


def normalise_choice(v: object, info) -> object:
    """Accept 'Close up', 'push-in', 'PAN_LEFT': map to the canonical spelling."""
    if not isinstance(v, str):
        return v
    options = {"shot_size": SHOT_SIZES, "angle": ANGLES, "movement": MOVEMENTS, "transition": TRANSITIONS}
    key = " ".join(v.lower().replace("_", " ").replace("-", " ").split())
    for option in options[info.field_name]:
        if option.replace("-", " ") == key:
            return option
    return v


def tags(*names: str) -> dict[str, Any]:
    """Field metadata: what a field is for. `card` the animatic card draws it, `prompt` the prompt is built
    from it, `look` it grades the picture, `generation` a video model reads it, `editable` a revision may set it."""
    return {"json_schema_extra": {"tags": list(names)}}


def fields_tagged(model: type[BaseModel], tag: str) -> tuple[str, ...]:
    """The names of `model`'s fields carrying `tag`, in declaration order."""
    out = []
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if tag in (extra.get("tags") or ()):
            out.append(name)
    return tuple(out)


_SHOWN = ("card", "editable")  # on the animatic's card and open to revisions
_DRAWN = ("card", "prompt", "editable")  # on the card and in the prompt built from the shot
_GRADED = ("card", "prompt", "look", "editable")  # a look value: grades the card, worded in the prompt


class Shot(_Model):
    id: str = Field(default_factory=new_shot_id, description="Stable id; keep it when revising a shot.")
    index: int = Field(default=0, description="1-based position in the shot list (filled in by the tool).")
    start: float = Field(ge=0, description="Start time on the song, seconds.", **tags(*_SHOWN))
    end: float = Field(gt=0, description="End time on the song, seconds.", **tags(*_SHOWN))
    section: str = Field(default="", description="Label of the song section the shot sits in.", **tags(*_SHOWN))
    lyric: str | None = Field(default=None, description="The lyric line(s) this shot carries, or null.",
                              **tags(*_SHOWN))
    shot_size: ShotSize = Field(default="medium", description="How much of the subject the frame holds.",
                                **tags(*_DRAWN))
    angle: Angle = Field(default="eye level", description="Where the camera looks from.", **tags(*_DRAWN))
    movement: Movement = Field(default="static", description="How the camera moves during the shot.",
                               **tags(*_DRAWN))
    lens: str = Field(default="35mm", description="Focal length or lens character, e.g. 24mm, anamorphic.",
                      **tags(*_SHOWN))
    subject: str = Field(default="", description="Who or what the shot is of.", **tags(*_DRAWN))
    action: str = Field(default="", description="What happens in the shot.", **tags(*_DRAWN))
    setting: str = Field(default="", description="Where it happens.", **tags(*_DRAWN))
    warmth: float = Field(default=0.0, ge=-1, le=1, description="Colour temperature of the light: -1 cold blue, "
                          "0 neutral, 1 warm amber.", **tags(*_GRADED))
    brightness: float = Field(default=0.0, ge=-1, le=1, description="-1 dark low-key light, 0 as lit, 1 bright "
                              "high-key light.", **tags(*_GRADED))
    contrast: float = Field(default=0.0, ge=-1, le=1, description="-1 soft flat contrast, 0 normal, 1 hard contrast.",
                            **tags(*_GRADED))
    palette: list[str] = Field(default_factory=list, description="Colour words the picture leans to, e.g. "
                               "[\"teal\", \"amber\"]; only colours the grader knows (red, amber, teal, blue, …).",
                               **tags(*_GRADED))
    prompt: str = Field(default="", description="Text prompt for the video model, concrete and visual. Built from "
                        "the shot's fields unless the artist wrote it (prompt_by_artist).",
                        **tags("card", "generation", "editable"))
    prompt_by_artist: bool = Field(default=False, description="True when the artist wrote the prompt themselves: "
                                   "it is kept as written when other fields change.", **tags("editable"))
    prompt_drift: list[str] = Field(default_factory=list, description="Fields changed since the artist wrote the "
                                    "prompt that it no longer says (set by the editor); empty when it follows them.")
    negative_prompt: str = Field(default="", description="What this shot must not show.",
                                 **tags("generation", "editable"))
    reason: str = Field(default="", description="Why this shot serves the song: tie it to the lyric or intent.",
                        **tags("editable"))
    why_generative: str = Field(
        default="", description="Why this shot needs generated video rather than a camera.", **tags("editable")
    )
    transition: Transition = Field(default="cut", description="How this shot goes into the next one.",
                                   **tags("editable"))
    seed: int = Field(default_factory=lambda: secrets.randbelow(2**31), description="Generation seed.",
                      **tags("generation", "editable"))
    locked: bool = Field(default=False, description="Locked shots are not changed by revisions.")
    origin: Literal["planned", "artist"] = Field(
        default="planned", description="'artist' when the picture is in the artist's own words: a re-plan keeps it.",
        **tags("editable"))
    takes: list[Take] = Field(default_factory=list)
    picked_take: str | None = Field(default=None, description="Id of the take chosen for the cut.")
    critique: Critique = Field(default_factory=Critique)

    @field_validator("palette", mode="before")
    @classmethod
    def _palette(cls, v: object) -> object:
        if isinstance(v, str):  # "teal and amber", "teal, amber"
            v = [w for w in re.split(r",|\band\b|/", v) if w.strip()]
        return list(dict.fromkeys(palette_word(w) for w in v)) if isinstance(v, list) else v

    @field_validator(*CHOICE_FIELDS, mode="before")
    @classmethod
    def _normalise(cls, v: object, info) -> object:
        return normalise_choice(v, info)

    @property
    def duration(self) -> float:
        return self.end - self.start


# What a revision may not set (the fields not tagged `editable`): identity and position belong to the list,
# takes to the renderer, the lock and the picked take to their own operations, the critique to the critic.
NOT_EDITABLE = frozenset(set(Shot.model_fields) - set(fields_tagged(Shot, "editable")))


def _optional(info: FieldInfo) -> FieldInfo:
    """The same field (type, bounds, description) with no default: left out means unchanged."""
    return FieldInfo.merge_field_infos(info, default=None, default_factory=None)


ShotChanges: type[BaseModel] = create_model(  # generated from Shot, so the two cannot drift apart
    "ShotChanges",
    __config__=ConfigDict(extra="forbid"),
    __doc__="The fields of one shot to change; a field left out stays as it is.",
    __validators__={"_normalise": field_validator(*CHOICE_FIELDS, mode="before")(
        classmethod(lambda cls, v, info: normalise_choice(v, info))),
        "_palette": field_validator("palette", mode="before")(classmethod(lambda cls, v: Shot._palette(v)))},
    **{name: (f.annotation, _optional(f)) for name, f in Shot.model_fields.items() if name not in NOT_EDITABLE},
)


class ShotPatch(_Model):
    """Changes to one shot; fields left out stay as they are."""

    shot: str = Field(description="Shot id or 1-based number.")
    changes: ShotChanges = Field(  # type: ignore[valid-type]
        description="Only the fields to change, e.g. {\"prompt\": \"...\", \"end\": 42.5}.")

    @field_validator("shot", mode="before")
    @classmethod
    def _number(cls, v: object) -> object:
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v

    def fields(self) -> dict[str, Any]:
        """The fields this patch sets (an explicit null counts: it clears an optional field)."""
        return self.changes.model_dump(exclude_unset=True)


def check_timeline(shots: list[Shot], duration: float, fps: float) -> None:
    """Raise `TimelineError` naming the first shot that breaks an invariant.

    Shots must be sorted, contiguous and cover 0 → `duration` with no gap or overlap, within one
    frame at `fps`; durations must be positive and ids unique.
    """
    if not shots:
        return
    tol = 1.0 / fps + 1e-6
    seen: dict[str, int] = {}
    for n, shot in enumerate(shots, start=1):
        if shot.id in seen:
            raise TimelineError(f"shot {n} has id {shot.id!r}, already used by shot {seen[shot.id]}: ids must be unique")
        seen[shot.id] = n
        if shot.end - shot.start <= 0:
            raise TimelineError(
                f"shot {n} ({shot.id}) lasts {shot.end - shot.start:.3f}s ({shot.start:.3f}→{shot.end:.3f}): "
                "durations must be positive"
            )
    if abs(shots[0].start) > tol:
        raise TimelineError(f"shot 1 ({shots[0].id}) starts at {shots[0].start:.3f}s: the first shot must start at 0")
    for n, (a, b) in enumerate(zip(shots, shots[1:]), start=2):
        if b.start < a.start:
            raise TimelineError(f"shot {n} ({b.id}) starts at {b.start:.3f}s, before shot {n - 1}: shots must be sorted")
    for n, (a, b) in enumerate(zip(shots, shots[1:]), start=2):
        gap = b.start - a.end
        if abs(gap) > tol:
            kind = "gap" if gap > 0 else "overlap"
            raise TimelineError(
                f"shot {n} ({b.id}) starts at {b.start:.3f}s but shot {n - 1} ends at {a.end:.3f}s: "
                f"a {abs(gap):.3f}s {kind} (tolerance one frame, {tol:.3f}s)"
            )
    last = shots[-1]
    if abs(last.end - duration) > tol:
        raise TimelineError(
            f"shot {len(shots)} ({last.id}) ends at {last.end:.3f}s but the song lasts {duration:.3f}s: "
            "the last shot must end with the song"
        )


class ShotList(_Model):
    """A whole shot list, as the agent proposes it."""

    shots: list[Shot] = Field(description="Shots in order, covering the song from 0 to its end.")

    def check(self, duration: float, fps: float) -> None:
        check_timeline(self.shots, duration, fps)


class Project(_Model):
    """A song, the artist's intent, the look and the shot list: the `shotcaller.project/1` document."""

    schema_: Literal["shotcaller.project/1"] = Field(default=SCHEMA_ID, alias="schema")
    id: str = Field(description="Safe slug naming the project folder.")
    title: str = Field(description="Title of the song / video.")
    song: Song
    brief: Brief = Field(default_factory=Brief)
    style: StyleBible = Field(default_factory=StyleBible)
    shots: list[Shot] = Field(default_factory=list)
    version: int = Field(default=0, ge=0, description="Shot-list version this document is.")

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @model_validator(mode="after")
    def _timeline(self) -> Project:
        check_timeline(self.shots, self.song.duration, self.brief.constraints.fps)
        return self

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True, indent=2)

    def shot(self, ref: str | int) -> Shot:
        """A shot by id or 1-based number; the error lists what exists."""
        for n, s in enumerate(self.shots, start=1):
            if s.id == ref or str(n) == str(ref):
                return s
        raise TimelineError(f"no shot {ref!r} in {self.id}: it has shots 1-{len(self.shots)}")
