"""Simulated camera moves over a still: for each frame, the window of the oversized source to show.

A window is (x, y, w, h) in source pixels, always of the output's aspect ratio; the animatic resizes
it to the output. Moves ease in and out (smoothstep) so cuts land on calm frames.
"""

from __future__ import annotations

import math
import random

MARGIN = 1.18  # the source is this much larger than the output: room to move


def smooth(t: float) -> float:
    return t * t * (3 - 2 * t)


def window(movement: str, t: float, src: tuple[int, int], seed: int = 0) -> tuple[float, float, float, float]:
    """The window at progress `t` (0..1) for `movement`, on a source of size `src`."""
    sw, sh = src
    e = smooth(min(1.0, max(0.0, t)))
    base = 1 / MARGIN  # the window as a share of the source at rest

    def at(scale: float, fx: float, fy: float) -> tuple[float, float, float, float]:
        w, h = sw * base * scale, sh * base * scale
        return (sw - w) * fx, (sh - h) * fy, w, h

    # Scale 1.0 is a window the size of the card: pans, tilts, cranes, tracking and handheld keep it,
    # so they are pure crops (no resampling); only push/pull/orbit zoom.
    if movement == "push in":
        return at(1 - 0.06 * e, 0.5, 0.5)
    if movement == "pull out":
        return at(0.94 + 0.06 * e, 0.5, 0.5)
    if movement == "pan left":
        return at(1.0, 0.8 - 0.6 * e, 0.5)
    if movement == "pan right":
        return at(1.0, 0.2 + 0.6 * e, 0.5)
    if movement == "tilt up":
        return at(1.0, 0.5, 0.75 - 0.5 * e)
    if movement == "tilt down":
        return at(1.0, 0.5, 0.25 + 0.5 * e)
    if movement == "crane up":
        return at(1.0, 0.5, 0.95 - 0.9 * e)
    if movement == "crane down":
        return at(1.0, 0.5, 0.05 + 0.9 * e)
    if movement == "tracking":  # constant speed, no easing: the camera travels with the subject
        return at(1.0, 0.15 + 0.7 * min(1.0, max(0.0, t)), 0.5)
    if movement == "orbit":
        angle = math.pi * e
        return at(1.0 - 0.05 * math.sin(angle), 0.5 - 0.4 * math.cos(angle), 0.5)
    if movement == "handheld":  # smooth sway: a few incommensurate sines, phases from the seed
        rng = random.Random(seed)
        p = [rng.uniform(0, 2 * math.pi) for _ in range(4)]
        fx = 0.5 + 0.25 * math.sin(2 * math.pi * 3.1 * t + p[0]) + 0.1 * math.sin(2 * math.pi * 7.7 * t + p[1])
        fy = 0.5 + 0.2 * math.sin(2 * math.pi * 2.3 * t + p[2]) + 0.1 * math.sin(2 * math.pi * 6.1 * t + p[3])
        return at(1.0, fx, fy)
    return at(1.0, 0.5, 0.5)  # static
