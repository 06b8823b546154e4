"""The simulated artist: answers the director's questions from a persona, and asks for revisions,
in varied words. Several phrasings per answer and per request, labelled ("Feeling: …") or not, and
now and then the answer to another question than the one asked, all drawn from a seeded RNG: no
director path can be tuned to one sentence, and a run is repeatable.

    artist = Artist(persona, seed="protest")
    artist.answer(question)                    # "Mood-wise: defiant, hopeful. Palette: rust …"
    artist.request({"shots": [3, 7, 9], "intent": "closer"})   # ("bring 3, 7 and 9 in closer", ...)
"""

from __future__ import annotations

import random
import re
from typing import Any

TOPICS = ("meaning", "story", "motifs", "feeling", "why_generative", "constraints")
KEYWORDS = {
    "why_generative": r"generat|camera|film|shoot|\bai\b|why .*video",
    "constraints": r"constraint|aspect|frame rate|fps|must not|format|ratio|rules?\b",
    "motifs": r"motif|image|symbol|object|recurr|keep coming",
    "feeling": r"feel|mood|colou?r|palette|light|tone",
    "story": r"story|progression|who is in|happen|character|narrative",
    "meaning": r"about|mean|what is it|song itself",
}
LABELS = {"meaning": ("Meaning", "What it's about"), "story": ("Story", "The story"),
          "motifs": ("Motifs", "Images"), "feeling": ("Feeling", "Mood"),
          "why_generative": ("Why generative", "Why generated"), "constraints": ("Constraints", "Rules")}
LEADS = {
    "meaning": ("{x}", "It's about this: {x}", "For me the song is about this. {x}", "Honestly? {x}"),
    "story": ("{x}", "What happens is this: {x}", "I picture it like this. {x}", "So, the progression: {x}"),
    "motifs": ("{x}", "Things I keep seeing: {x}", "A few images: {x}", "{x} Those keep coming back."),
    "feeling": ("{x}", "Mood-wise: {x}", "It should feel like this. {x}", "{x} That's the vibe."),
    "why_generative": ("{x}", "Because {xl}", "Why not a shoot? {x}", "A camera can't do it. {x}"),
    "constraints": ("{x}", "Technical stuff: {x}", "Rules for the video: {x}", "Oh and {xl}"),
}
OUT_OF_ORDER = 0.2  # chance to answer a topic not yet given instead of the one asked

# Revision requests: targets and intents, several phrasings each.
TARGETS = {
    "one": ("shot {a}", "the {a_th} shot", "number {a}", "shot #{a}"),
    "range": ("shots {a}-{b}", "shots {a} to {b}", "{a} through {b}", "everything from shot {a} to {b}"),
    "list": ("{items}", "shots {items}"),
    "first": ("the first {section}", "{section} one", "the opening {section}"),
    "every": ("every {section}", "all the {sections}", "each {section}"),
    "section": ("the {section}", "that {section}"),
    "last": ("the last shot", "the final shot", "the very last shot"),
    "none": ("it", "this", "everything, I guess", "things"),
}
INTENTS = {
    "colder": ("make {t} colder", "{t}: colder, more blue", "can {t} feel icier?", "{t} needs to be colder"),
    "warmer": ("make {t} warmer", "{t} a bit warmer please", "warm up {t}", "{t}: warmer light"),
    "darker": ("make {t} darker", "{t} should be darker", "darken {t}", "{t}, darker and moodier"),
    "brighter": ("make {t} brighter", "{t} is too dark, brighten it", "{t} brighter", "lift the light on {t}"),
    "slower": ("slow {t} down", "{t} should feel slower", "{t}: slower", "make {t} slower"),
    "longer": ("make {t} longer", "{t} longer", "let {t} breathe, make it longer", "hold {t} longer"),
    "shorter": ("make {t} shorter", "{t} shorter", "cut {t} shorter", "trim {t}"),
    "closer": ("{t} closer", "bring {t} in closer", "go tighter on {t}", "make {t} a closer shot"),
    "wider": ("{t} wider", "make {t} wider", "pull {t} out wider", "{t} should be a wider shot"),
    "replace": ("replace {t}", "swap out {t} for something else", "I don't like {t}, replace it", "new idea for {t}"),
    "cliche": ("{t} is a cliché", "{t} feels like a cliché, change it", "{t} is boring", "{t} is too generic"),
    "lock": ("lock {t}", "lock {t}, I love it", "keep {t} exactly as it is, lock it", "don't touch {t} again, lock it"),
}


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class Artist:
    def __init__(self, persona: dict[str, str], seed: str | int = 0):
        self.persona = persona
        self.rng = random.Random(f"artist/{seed}")
        self.given: list[str] = []
        self.said: dict[str, str] = {}  # topic → the core answer, as the evaluators' truth

    def topic_of(self, message: Any) -> str:
        topic = getattr(message, "topic", None)
        if topic in TOPICS or topic in ("pushback", "cheap") or str(topic).startswith(("section:", "confirm:")):
            return topic
        text = getattr(message, "content", str(message)).lower()
        if re.search(r"clich|generic|keep it|stock footage", text) and "pushback" not in self.given:
            return "pushback"
        matches = [name for name, pattern in KEYWORDS.items() if re.search(pattern, text)]
        fresh = [name for name in matches if name not in self.given]
        if fresh or matches:  # a question asked again gets its answer again
            return (fresh or matches)[0]
        return next((t for t in TOPICS if t not in self.given), "meaning")

    def phrase(self, topic: str, x: str) -> str:
        """One of several phrasings of answer `x`; a third of them labelled."""
        if self.rng.random() < 1 / 3:
            label = self.rng.choice(LABELS[topic])
            return self.rng.choice((f"{label}: {x}", f"{label} — {x}", f"{label.lower()}: {x}"))
        lead = self.rng.choice(LEADS[topic])
        return lead.format(x=x, xl=x[:1].lower() + x[1:])

    def answer(self, message: Any) -> str:
        topic = self.topic_of(message)
        if topic == "pushback":
            self.given.append("pushback")
            return self.persona.get("keep_generic") or self.rng.choice(("keep it", "I'd rather keep it, go ahead"))
        if topic == "cheap":  # "is cost the only reason?": the persona's own answer, else keep it
            return self.persona.get("cheap_reply") or self.rng.choice(("keep it", "yes, that's the reason, go ahead"))
        if topic.startswith("confirm:"):  # "did you mean A or B?": the topic it really answered
            a, b = topic.split(":", 1)[1].split("|")
            meant = self.given[-1] if self.given else a
            return LABELS[meant][0] if meant in (a, b) and meant in LABELS else "yes"
        if topic.startswith("section:"):  # the section walk: the persona's words for it, or "you choose"
            key = topic.split(":", 1)[1]
            own = (self.persona.get("sections") or {}).get(key)
            return own or self.rng.choice(("you choose", "up to you", "surprise me, use the motifs"))
        left = [t for t in TOPICS if t not in self.given and t != topic]
        if left and self.rng.random() < OUT_OF_ORDER:
            topic = self.rng.choice(left)
            label = self.rng.choice(LABELS[topic])
            text = f"{label}: {self.persona[topic]}" if self.rng.random() < 0.5 else self.phrase(topic, self.persona[topic])
        else:
            text = self.phrase(topic, self.persona[topic])
        if topic not in self.given:
            self.given.append(topic)
        self.said[topic] = self.persona[topic]
        return text

    def request(self, spec: dict[str, Any]) -> str:
        """A revision request in words, e.g. {"shots": [3, 7, 9], "intent": "closer"} or
        {"section": "chorus", "which": "first", "intent": "darker"} or {"last": True, "intent": "wider"}."""
        t = self._target(spec)
        return self.rng.choice(INTENTS[spec["intent"]]).format(t=t)

    def _target(self, spec: dict[str, Any]) -> str:
        rng = self.rng
        if spec.get("none"):
            return rng.choice(TARGETS["none"])
        if spec.get("last"):
            return rng.choice(TARGETS["last"])
        if "section" in spec:
            key = spec.get("which") if spec.get("which") in ("first", "every") else "section"
            section = spec["section"]
            return rng.choice(TARGETS[key]).format(section=section, sections=section + ("es" if section.endswith("s") else "s"))
        shots = list(spec["shots"])
        if len(shots) == 1:
            return rng.choice(TARGETS["one"]).format(a=shots[0], a_th=ordinal(shots[0]))
        if shots == list(range(shots[0], shots[-1] + 1)) and len(shots) > 2:
            return rng.choice(TARGETS["range"]).format(a=shots[0], b=shots[-1])
        items = ", ".join(map(str, shots[:-1])) + rng.choice((" and ", " & ", ", ")) + str(shots[-1])
        return rng.choice(TARGETS["list"]).format(items=items)
