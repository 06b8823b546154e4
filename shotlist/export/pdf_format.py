"""`pdf`: the storyboard. A title page with the treatment, then six shots a page (landscape A4):
the frame (the keyframe or a frame of the rendered clip, else the shot's card), timecodes, lyric,
camera, subject and action, reason and why generative."""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape as esc

from ..models import Project
from . import Format, register
from .media import exact_rate, frame_image, timecode

PER_PAGE = 6


def write(project: Project, folder: Path) -> bytes:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Paragraph
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    page_w, page_h = landscape(A4)
    c = canvas.Canvas(buf, pagesize=(page_w, page_h), invariant=1)
    c.setTitle(f"{project.title} — storyboard")
    c.setAuthor("Shotcaller")
    styles = getSampleStyleSheet()
    body, small = styles["BodyText"], styles["BodyText"].clone("small", fontSize=7, leading=8.5)

    def para(text: str, style, x: float, y_top: float, width: float) -> float:
        p = Paragraph(text, style)  # `text` is markup: user text goes in through esc()
        _, h = p.wrap(width, page_h)
        p.drawOn(c, x, y_top - h)
        return y_top - h

    # title page: the treatment
    b = project.brief
    c.setFont("Helvetica-Bold", 26)
    c.drawString(20 * mm, page_h - 30 * mm, project.title)
    c.setFont("Helvetica", 11)
    c.drawString(20 * mm, page_h - 38 * mm, f"Storyboard · {len(project.shots)} shots · {project.song.duration:.1f} s · "
                                             f"{project.song.tempo:.0f} BPM · version {project.version}")
    y = page_h - 48 * mm
    for title, text in (("Logline", b.logline), ("What the song is about", b.meaning), ("Story", b.story),
                        ("Motifs", "; ".join(b.motifs)), ("Feeling and palette", " — ".join(x for x in (b.feeling, b.palette) if x)),
                        ("Why generative video", b.why_generative)):
        if text:
            y = para(f"<b>{title}.</b> {esc(text)}", body, 20 * mm, y, page_w - 40 * mm) - 3 * mm
    sections = esc("; ".join(f"{s.label} {s.start:.0f}-{s.end:.0f}s" for s in project.song.sections))
    para(f"<b>Sections.</b> {sections}", body, 20 * mm, y, page_w - 40 * mm)
    c.showPage()

    rate = exact_rate(b.constraints.fps)
    cols, rows = 3, 2
    cell_w, cell_h = (page_w - 20 * mm) / cols, (page_h - 20 * mm) / rows
    for start in range(0, len(project.shots), PER_PAGE):
        for k, shot in enumerate(project.shots[start : start + PER_PAGE]):
            n = start + k + 1
            x0 = 10 * mm + (k % cols) * cell_w
            y_top = page_h - 10 * mm - (k // cols) * cell_h
            img_w = cell_w - 6 * mm
            img_h = img_w * 9 / 16
            c.drawImage(ImageReader(frame_image(folder, shot, n)), x0, y_top - img_h, img_w, img_h)
            c.setFont("Helvetica-Bold", 9)
            c.drawString(x0, y_top - img_h - 4 * mm,
                         f"#{n}  {timecode(shot.start, rate)} – {timecode(shot.end, rate)}  {shot.section}")
            text = (f"<i>{esc(shot.lyric or '—')}</i><br/>{shot.shot_size} · {shot.angle} · {shot.movement} · "
                    f"{esc(shot.lens)}<br/><b>{esc(shot.subject)}</b>, {esc(shot.action)}<br/><b>Reason:</b> "
                    f"{esc(shot.reason)}<br/><b>Why generative:</b> {esc(shot.why_generative)}")
            para(text, small, x0, y_top - img_h - 6 * mm, img_w)
        c.setFont("Helvetica", 7)
        c.drawRightString(page_w - 10 * mm, 6 * mm, f"{project.title} · page {start // PER_PAGE + 2}")
        c.showPage()
    c.save()
    return buf.getvalue()


register(Format("pdf", ".pdf", write, None, "storyboard (title page with the treatment, six shots a page)",
                sniff=lambda data: data[:5] == b"%PDF-"))
