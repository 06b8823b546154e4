"""Operations that make files from the plan: render shots with the injected renderer, export a format."""

from __future__ import annotations


from pydantic import Field

from ..editor import ProjectEditor
from ..shot_range import shots_named
from .table import Operation, Result, operation


@operation("render")
class Render(Operation):
    """Render shots ("1,4-6", or a section name like "chorus"; all when empty) and cut them on the song."""

    asks = True  # it writes takes through the renderer, not an edit of the plan
    shots: str = Field(default="", max_length=200, description="Shot numbers like '1,4-6', a section, or empty for all.")
    backend: str = Field(default="animatic", max_length=60, description="animatic, diffusers-video or diffusers-stills.")

    def apply(self, editor: ProjectEditor) -> Result:
        numbers = shots_named(editor.project(), self.shots)
        result = editor.render(numbers, self.backend)
        failed = "; ".join(f"shot {n}: {why}" for n, why in result.failed.items())
        why = "; ".join(f"{n}: {w}" for n, w in sorted(result.why.items()))
        return Result(self.name, f"rendered {len(result.rendered)}, {len(result.cached)} unchanged from the cache"
                      + (f" (re-rendered {why})" if why else "")
                      + (f", failed {failed}" if failed else "") + f"; the cut: {result.cut}", None, numbers or [])


@operation("export")
class Export(Operation):
    """Export the shot list (json, csv, otio, edl, fcpxml, fcp7xml, mlt, pdf, srt, md) into the project's exports/."""

    asks = True
    format: str = Field(max_length=20, description="json, csv, otio, edl, fcpxml, fcp7xml, mlt, pdf, srt or md.")

    def apply(self, editor: ProjectEditor) -> Result:
        return Result(self.name, f"exported {self.format.lower()}: {editor.export(self.format)}")
