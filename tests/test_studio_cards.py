"""Storyboard cards: every line of text stays inside its box and inside the frame, whatever its length."""

import pytest
from PIL import Image, ImageDraw

from shotlist.cards import card_layout, draw_card, fit, font, width_of, Box
from shotlist.models import Shot

LONG = ("a river made of memories that flows upward into the sky, turning into birds, then rain, then the "
        "handwriting of a letter nobody sent, across a city that folds itself into a paper boat ") * 3
WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 3


def shots() -> list[Shot]:
    return [
        Shot(start=0, end=2, section="chorus", subject="a girl", action="waves", lyric="la la", reason="short"),
        Shot(start=12.5, end=19.25, section="a-very-long-section-label-from-an-import" * 2, subject=LONG, action=LONG,
             lyric=LONG, reason=LONG, lens="anamorphic 40mm with a vintage front element " * 3),
        Shot(start=0, end=1, section="verse", subject=WORD, action=WORD, lyric=WORD, reason=WORD),
        Shot(start=0, end=1, section="bridge", subject="", action="", prompt="", lyric=None, reason=""),
    ]


@pytest.mark.parametrize("size", [(1280, 720), (480, 270), (720, 1280), (320, 180)])
def test_every_glyph_box_lies_inside_its_box_and_the_card(size):
    w, h = size
    draw = ImageDraw.Draw(Image.new("RGB", size))
    for n, shot in enumerate(shots(), start=1):
        placements = card_layout(shot, n, size)
        assert placements, "a card always shows at least its number and camera line"
        for p in placements:
            left, top, right, bottom = draw.textbbox(p.xy, p.text, font=p.font)
            assert 0 <= left and right <= w and 0 <= top and bottom <= h, (size, p.text)
            assert p.box.left - 1 <= left and right <= p.box.right + 1, (size, p.text, p.box)
            assert p.box.top <= top and bottom <= p.box.bottom + 1, (size, p.text, p.box)
        # blocks do not overlap one another
        boxes = sorted((draw.textbbox(p.xy, p.text, font=p.font) for p in placements), key=lambda b: (b[1], b[0]))
        for a, b in zip(boxes, boxes[1:]):
            overlap_x = min(a[2], b[2]) - max(a[0], b[0])
            overlap_y = min(a[3], b[3]) - max(a[1], b[1])
            assert overlap_x <= 0 or overlap_y <= 0, (size, a, b)
        assert draw_card(shot, n, size).size == size


def test_long_text_shrinks_then_ends_in_an_ellipsis_short_text_keeps_its_size():
    box = Box(0, 0, 400, 120)
    big, lines = fit("a girl waves", box, 40)
    assert big.size == 40 and lines == ["a girl waves"]
    small, lines = fit(LONG, box, 40)
    assert small.size < 40 and lines[-1].endswith("…")
    assert all(width_of(line, small) <= box.width for line in lines)
    mid, lines = fit("a river made of memories that flows upward into the sky", box, 40)
    assert mid.size <= 40 and not lines[-1].endswith("…")  # shrunk to fit whole, not cut
    assert " ".join(lines) == "a river made of memories that flows upward into the sky"


def test_a_word_wider_than_the_line_is_broken_not_overflowing():
    fnt = font(30)
    _, lines = fit(WORD, Box(0, 0, 200, 2000), 30, min_size=30)
    assert "".join(lines) == WORD and all(width_of(line, fnt) <= 200 for line in lines)


@pytest.mark.parametrize("size", [(270, 480), (720, 1280), (270, 270), (646, 270)])
def test_a_card_in_any_aspect_keeps_its_words_whole(size):
    """9:16, 1:1 and 2.39:1 cards are laid out for their own frame: no word of an ordinary title is
    cut between lines (the old portrait card broke "scarborough" into "scarboroug / h")."""
    shot = Shot(start=8.49, end=9.9, section="intro", subject="the scarborough fair",
                action="left glowing after the last note", reason="the music alone holds herbs in this stretch")
    placements = card_layout(shot, 3, size)
    box = next(p.box for p in placements if "scarborough" in p.text)
    title = [p for p in placements if p.box == box]
    assert " ".join(p.text for p in title) == "the scarborough fair, left glowing after the last note", title
