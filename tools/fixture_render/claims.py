"""What a frame rules out: the claims a careful viewer can see are false, derived from what is drawn.

A frame's `not_shown` (manifest) lists claims a description must not make; the grader matches each by
meaning and negation-aware (`homesec_bench.graders.facts.said_by_meaning`: every word stands for its
synonym group, up to two filler words between words, none between words joined by "+": "on+the street"
matches "on the busy street", not "headlights on at the street"). Most of them follow from the actors
as drawn, so they are derived here rather than written per frame, and cannot disagree with the pixels:

- places: each backdrop's places (the street, the driveway, the lawn, the fence, the doorstep...) with
  the phrases that put something there. A place nothing is drawn at is ruled out in bare form ("on the
  street" where nothing is in the street); a place only other kinds occupy is ruled out for a kind
  ("a person at the door" where only a parcel is at the door, "a van on the driveway" where only the
  courier is on it);
- poses: standing or walking, crouching, sitting, lying, climbing, leaping, running. A pose nobody in
  the frame has, nor reads as (a crouching figure in the dark reads as standing or sitting too), is
  ruled out; "sitting" and "lying" only with a subject ("a cat sitting"), since parcels sit and lie too;
- directions a still settles: a person seen from the front (a face shows: not hooded, not in
  infrared) is not turned from the camera, and walking or carrying not walking away from it or back
  to the van; one seen from behind is not facing the camera; a car seen head-on shows no tail lights
  and one seen from behind faces the street; no headlights where none are lit;
- things held and deeds: a parcel in the hands where nobody carries one, a torch where nobody has one,
  a tool (crowbar, screwdriver, prying, picking the lock) where nobody holds any, knocking or ringing
  at a front door nobody touches, a driver getting out where nobody is in view, a door or gate open
  where every one is drawn shut, a break-in outdoors;
- sides of the frame: a thing clearly to one side (an actor kind, a backdrop feature, the fire, the
  sun) is not on the other, and someone beside a vehicle is on its side they are drawn on, as seen;
- left and right ways: where everything in profile faces one way, the other is ruled out; people
  standing still and mostly facing the camera are not walking away;
- counts and things carried: no frame holds two animals of a kind ("two foxes" for one), and nobody
  carries a bag, a bucket, letters, an umbrella or a phone the drawing does not put in their hands;
- details: no animal is drawn head down, a person lying is face up, a torch is held low, parcels are
  never stacked, one bin is not two, the houses opposite the driveway have lit windows at night, the
  shed door is shut and nothing is by the shed.

What a still cannot settle stays out: whether a car seen from the side is moving, whether a car seen
from the front is arriving or reversing out, whether someone at a door is coming or going. Judgement
that no rule captures is written per scene in `scenes.py` (`Scene.not_shown`) and comes first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fixture_render.backdrops import BACKDROPS
from fixture_render.canvas import OUT_W

if TYPE_CHECKING:
    from fixture_render.scene import Actor, Scene

ANIMAL_KINDS = ("dog", "cat", "fox", "deer", "bird", "hedgehog")
# The nouns a claim about an actor is bound to ("person" stands for its synonym group: man, woman,
# someone, figure, stranger, he, she...; "intruder" for burglar too).
_NOUNS = {
    "person": ("person", "intruder", "courier", "visitor"),
    "vehicle": ("car", "van", "vehicle"),
    # a parcel is also what was "left" or "dropped" somewhere ("a parcel has been left on the lawn")
    "parcel": ("parcel", "package", "left", "dropped"),
}


def _kind_group(actor: Actor) -> str | None:
    if actor.kind == "person":
        return "person"
    if actor.kind in ("car", "van"):
        return "vehicle"
    if actor.kind == "parcel":
        return "parcel"
    if actor.kind in ANIMAL_KINDS:
        return actor.kind
    return None


def _nouns(group: str) -> tuple[str, ...]:
    return _NOUNS.get(group, (group,))


# ---------------------------------------------------------------------------------------------- places


@dataclass(frozen=True)
class Place:
    """A place of a backdrop: the actor positions that are there, the phrases that put something
    there, and the shorter ones a subject noun is bound to ("car on the street")."""

    holds: frozenset[str]
    bare: tuple[str, ...]
    bound: tuple[str, ...]


def _place(holds: Iterable[str], bare: Iterable[str], bound: Iterable[str] = ()) -> Place:
    return Place(frozenset(holds), tuple(bare), tuple(bound))


_STREET = (
    "on+the street", "in+the street", "on+the road", "in+the road", "at+the kerb", "by+the kerb",
    "driving along", "drives along", "driving past", "drives past", "drove past", "passing by",
    "passes by", "passing the driveway", "passes the driveway", "past+the driveway",
    "past+the end of the driveway", "driving down+the street", "driving down+the road",
)  # fmt: skip
_ON_THE_STREET = (
    "on+the street", "in+the street", "on+the road", "in+the road", "along+the street", "along+the road",
)  # fmt: skip
_PAVEMENT = (
    "on+the pavement", "along+the pavement", "on+the footpath", "along+the footpath", "on+the sidewalk",
)  # fmt: skip
_DRIVEWAY = (
    "on+the driveway", "in+the driveway", "onto+the driveway", "into+the driveway", "up+the driveway",
    "on+the drive", "onto+the drive", "into+the drive", "up+the drive",
)  # fmt: skip
_ON_THE_DRIVEWAY = (
    "on+the driveway", "in+the driveway", "into+the driveway", "onto+the driveway", "on+the drive",
)  # fmt: skip
_DOOR = (
    "at+the door", "at+the front door", "by+the door", "by+the front door", "on+the doorstep",
    "on+the step", "on+the front step", "in+the doorway", "on+the porch",
)  # fmt: skip
_AT_THE_DOOR = ("at+the door", "on+the doorstep", "on+the step", "in+the doorway")
_PATH = ("on+the path", "along+the path", "up+the path", "down+the path", "across+the path")
_CROSSING = ("across+the lawn", "across+the grass", "crossing the lawn", "crossing the grass")
_ON_THE_LAWN = ("on+the lawn", "on+the grass", "on+the front lawn")
_OFF_STREET = ("on+the street", "on+the pavement", "on+the road", "on+the driveway")
_FENCE = (
    "on+the fence", "on top of+the fence", "over+the fence", "along+the top of the fence", "up+the fence",
    "climbing the fence", "scaling the fence", "on+the back fence",
)  # fmt: skip
_SHED = ("on+the shed", "on+the roof", "in+the shed", "inside the shed", "into+the shed")
_TREE = ("in+the tree", "in+a tree", "up+a tree", "up+the tree", "in+the trees")
_BUSHES = ("in+the bushes", "in+the shrubs", "under+the bushes", "behind+the bushes")
_GATE = ("at+the gate", "at+the side gate", "by+the gate", "over+the gate", "through+the gate")
_WINDOW = ("at+the window", "through+the window", "in through+the window", "peering in+the window")
_PATIO = (
    "at+the patio door", "by+the patio door", "through+the patio door", "at+the glass door",
    "through+the glass door", "at+the window", "through+the window", "by+the window",
    "at+the sliding door", "through+the sliding door",
)  # fmt: skip
PLACES: dict[str, dict[str, Place]] = {
    "front_door": {
        "door": _place(("at_door",), _DOOR, _AT_THE_DOOR),
        "path": _place(("path",), _PATH, ("on+the path", "up+the path")),
        # The figure behind the hedge is on the lawn, behind the hedge and by the window.
        "lawn": _place(("yard",), _CROSSING, _ON_THE_LAWN),
        "hedge": _place(("yard",), ("behind+the hedge", "in+the hedge", "hidden by+the hedge")),
        "window": _place(("yard",), _WINDOW),
        "street": _place((), _OFF_STREET),
    },
    "driveway": {
        # Someone on the pavement is in the street too, as people say.
        "street": _place(("street", "pavement"), _STREET, _ON_THE_STREET),
        "pavement": _place(("pavement",), _PAVEMENT, ("on+the pavement", "on+the footpath")),
        "driveway": _place(("driveway",), _DRIVEWAY, _ON_THE_DRIVEWAY),
        "lawn": _place((), _CROSSING, _ON_THE_LAWN),
        "door": _place((), ("at+the door", "at+the front door", "on+the doorstep", "on+the step")),
    },
    "backyard": {
        "lawn": _place(("yard",), _CROSSING, _ON_THE_LAWN),
        "fence": _place(("fence",), _FENCE),
        "shed": _place((), _SHED),
        "tree": _place((), _TREE),
        "bushes": _place((), _BUSHES),
        "gate": _place((), ("at+the gate", "over+the gate", "through+the gate", "climbing the gate")),
    },
    "side_gate": {"gate": _place(("at_door",), _GATE), "street": _place((), _OFF_STREET)},
    "living_room": {
        "sofa": _place((), ("on+the sofa", "on+the couch", "on+the settee")),
        "patio": _place((), _PATIO),
    },
}


def _place_claims(scene: Scene) -> list[str]:
    """Where nothing is: the bare phrases; where only other kinds are: the phrases bound to a kind.
    A frame with nothing in it gets none: the counts already fail whatever a description puts there,
    and "rain falls on the lawn" puts nothing there."""
    out: list[str] = []
    # People the frame cannot place at a door or not (a crouching figure "either" at the gate) are
    # at the door too.
    loose = "person_at_door" in scene.either
    positioned = [a for a in scene.actors if a.position is not None and _kind_group(a) is not None]
    # A parcel is placed too, unless someone carries one (it goes where they go).
    carried = any(a.outfit.carries == "box" for a in scene.actors if a.kind == "person")
    groups = sorted({_kind_group(a) or "" for a in positioned} - {"", *(("parcel",) if carried else ())})
    for place in PLACES.get(scene.backdrop, {}).values() if positioned else ():
        there = [
            a
            for a in positioned
            if a.position in place.holds or (loose and a.kind == "person" and "at_door" in place.holds)
        ]
        groups_there = {_kind_group(a) for a in there}
        if not there:
            out += place.bare
        for group in groups:
            if group not in groups_there:
                out += [f"{noun} {phrase}" for noun in _nouns(group) for phrase in place.bound]
    return out


# ----------------------------------------------------------------------------------------------- poses

# Each pose family's phrases: bare ones, said only of a person or an animal, and verbs bound to a
# subject because things do them too (a parcel sits on the step, a van sits at the kerb).
_POSES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "crouch": (
        (
            "crouching", "crouches", "crouched", "squatting", "squats", "squatted", "kneeling", "kneels",
            "knelt", "hunkered down", "hunched down", "ducking down", "ducks down", "bending down",
            "bends down",
        ),
        (),
    ),
    "sit": (
        (
            "seated", "sitting down", "sits down", "sat down", "perched", "perches", "sitting on top",
            "sits on top", "sitting on the fence", "sitting on the wall", "sitting on the lawn",
            "sitting on the grass", "sitting on the floor",
        ),
        ("sitting", "sits", "sit", "sat"),
    ),
    "lie": (
        (
            "lying down", "lies down", "laying down", "lying flat", "lies flat", "lying motionless",
            "lies motionless", "lying on the floor", "lying on the ground", "lying on the grass",
            "lying on the lawn", "lying on the rug", "curled up", "asleep", "sleeping", "sprawled",
        ),
        ("lying", "lies", "lie", "laying"),
    ),
    "climb": (
        (
            "climbing", "climbs", "climbed", "clambering", "clambers", "scaling", "scales", "scaled",
            "vaulting", "vaults", "vaulted", "hauling himself", "hauls himself", "hanging from",
            "hanging on",
        ),
        (),
    ),
    "leap": (
        (
            "leaping", "leaps", "leapt", "jumping", "jumps", "jumped", "pouncing", "pounces",
            "bounding", "springing",
        ),
        (),
    ),
    "run": (("running", "runs", "sprinting", "sprints", "dashing", "dashes", "fleeing", "flees"), ()),
    "upright": (
        ("standing up", "stands up", "getting up", "gets up", "walking across"),
        ("standing", "stands", "stand", "walking", "walks", "walk"),
    ),
}  # fmt: skip
# What each drawn pose shows, and what it can fairly be read as.
_SHOWS: dict[str, frozenset[str]] = {
    "stand": frozenset({"upright"}),
    "walk": frozenset({"upright"}),
    "carry": frozenset({"upright"}),
    "reach": frozenset({"upright"}),
    "peer": frozenset({"upright"}),
    # low and half hidden in the dark: read as standing or sitting too
    "crouch": frozenset({"crouch", "upright", "sit"}),
    # hanging on the fence, feet off the ground
    "climb": frozenset({"climb"}),
    "lie": frozenset({"lie"}),
}


def _pose_claims(scene: Scene) -> list[str]:
    bodies = [a for a in scene.actors if a.kind == "person" or a.kind in ANIMAL_KINDS]
    if not bodies:
        return []
    shown = frozenset().union(*(_SHOWS[a.pose] for a in bodies))
    subjects = sorted({noun for a in bodies for noun in _nouns(_kind_group(a) or a.kind)})
    out: list[str] = []
    for family, (bare, bound) in _POSES.items():
        if family in shown:
            continue
        if family == "upright" and not any(a.kind == "person" for a in bodies):
            continue  # an animal's stance is not told apart from its walk here
        out += bare
        out += [f"{noun} {verb}" for noun in subjects for verb in bound]
    return out


# ------------------------------------------------------------------------------------------ directions


def _direction_claims(scene: Scene) -> list[str]:
    out: list[str] = []
    people = [a for a in scene.actors if a.kind == "person"]
    # Which way a person faces shows only where a face can be told from the back of a head: not in
    # infrared, not under a hood.
    legible = scene.light != "ir" and not any(a.outfit.hood for a in people)
    if people and legible and all(a.facing == "front" and a.pose != "lie" for a in people):
        out += ["back to the camera", "back turned", "facing away from the camera", "seen from behind"]
        if all(a.position == "at_door" for a in people):  # at the door, but turned to the camera
            out += ["facing the door"]
        moving = [a for a in people if a.pose in ("walk", "carry") and a.position != "at_door"]
        if moving and len(moving) == len(people):  # coming toward the camera, not going from it
            out += [
                "walking away", "walks away", "walked away", "heading away", "heads away",
                "away from the house", "away from the camera",
            ]  # fmt: skip
            for vehicle in sorted({a.kind for a in scene.actors if a.kind in ("car", "van")}):
                out += [
                    # "back to the van", "returns to his white van"
                    f"back to {vehicle}", f"toward {vehicle}", f"towards {vehicle}",
                    f"returning to {vehicle}", f"returns to {vehicle}", f"heading for {vehicle}",
                ]  # fmt: skip
    if people and legible and all(a.facing == "back" for a in people):
        out += ["facing the camera", "toward the camera", "towards the camera", "face is visible"]
    vehicles = [a for a in scene.actors if a.kind in ("car", "van")]
    if vehicles and not any(a.lights for a in vehicles):
        out += ["headlights", "headlamps"]
    # Which way the vehicles face; said of a person too where one is in view, so bound to the vehicle.
    facing: list[str] = []
    if vehicles and all(a.view == "front" for a in vehicles):
        out += ["tail lights", "taillights", "brake lights", "rear lights", "reversing lights"]
        facing = [
            "seen from behind",
            "seen from the rear",
            "facing the street",
            "facing away from the camera",
        ]
    if vehicles and all(a.view == "rear" for a in vehicles):
        facing = ["facing the camera", "facing the house", "toward the camera", "towards the camera"]
    if people:
        facing = [f"{noun} {phrase}" for noun in _nouns("vehicle") for phrase in facing]
    return out + facing


# --------------------------------------------------------------------------------- things held, deeds

# Nobody drawn holds a tool or a weapon, forces anything or moves a bin: their hands are empty or
# hold what `Outfit.carries` says (a box, a torch).
_TOOLS = (
    "crowbar", "jemmy", "screwdriver", "lock pick", "lockpick", "bolt cutters", "weapon", "knife",
    "hammer", "tool",
)  # fmt: skip
_FORCING = (
    "prying", "prising", "prizing", "levering", "jimmying", "picking the lock", "forcing the lock",
    "force open", "forcing open", "forced open", "forcing the door", "forcing the gate", "prised open",
)  # fmt: skip
_MOVING_BINS = (
    "wheeling", "wheels", "pushing a bin", "pulling a bin", "dragging", "putting out the bins",
    "putting the bins out", "taking out the bins",
)  # fmt: skip
_HOLDING = (
    "holding a parcel", "holding a box", "carrying a parcel", "carrying a box", "parcel in his hands",
    "parcel in her hands", "box in his hands", "box in her hands", "handing over", "hands over",
)  # fmt: skip
_DELIVERING = (
    "delivering a parcel", "delivers a parcel", "dropping off a parcel", "drops off a parcel",
    "leaving a parcel", "leaves a parcel", "left a parcel",
)  # fmt: skip
_KNOCKING = (
    "knocking", "knocks", "knocked", "ringing the doorbell", "rings the doorbell", "rang the doorbell",
    "ringing the bell", "rings the bell", "pressing the doorbell", "presses the doorbell",
    "pressing the bell",
)  # fmt: skip
_DOOR_OPEN = (
    "door open", "door is open", "door opened", "open door", "opened door", "opening the door",
    "opens the door", "door ajar", "door left open", "door standing open",
)  # fmt: skip
_GATE_OPEN = (
    "gate is open", "gate ajar", "gate left open", "gate standing open", "gate stands open",
    "gate wide open", "gate hangs open",
)  # fmt: skip
_PATIO_OPEN = ("patio door open", "patio doors open", "open patio door", "glass door open")
_BREAK_IN = ("broke in", "breaking in", "breaking into")
# Every car and van is drawn with its doors shut (blind set Q: "with the driver's door open").
_CAR_DOOR_OPEN = (
    "car door open", "car door is open", "car door opened", "opened the car door", "opening the car door",
    "driver's door open", "driver's door is open", "opened the driver's door", "opening the driver's door",
    "door of the car open", "van door open", "van doors open", "opened the van door", "boot open",
    "boot is open", "tailgate open",
)  # fmt: skip
_OUT_OF_A_VEHICLE = ("got out", "at the wheel", "unloading", "unloaded", "loading")


def _deed_claims(scene: Scene) -> list[str]:
    out: list[str] = []
    people = [a for a in scene.actors if a.kind == "person"]
    carried = {a.outfit.carries for a in people}
    if people:
        out += _TOOLS + _FORCING + _MOVING_BINS
        if "box" not in carried:
            out += _HOLDING
            if not any(a.kind == "parcel" for a in scene.actors):
                out += _DELIVERING
        if "torch" not in carried:
            out += ["torch", "flashlight"]
    if scene.backdrop == "front_door":  # the front door is drawn shut, and nobody touches its bell
        out += _KNOCKING + _DOOR_OPEN
    if scene.backdrop == "side_gate":
        out += _GATE_OPEN
    if scene.backdrop == "living_room":
        out += _DOOR_OPEN + _PATIO_OPEN
    if scene.backdrop == "garage":
        out += _DOOR_OPEN
    if any(a.kind in ("car", "van") for a in scene.actors):
        out += _CAR_DOOR_OPEN
    if not people and any(a.kind in ("car", "van") for a in scene.actors):
        out += _OUT_OF_A_VEHICLE  # nobody is in view, so nobody gets out of it
    if not BACKDROPS[scene.backdrop].indoors:
        out += _BREAK_IN  # outdoors nobody has got in: a break-in is no still's claim
    return out


# ------------------------------------------------------------------------------------ sides of the frame

# Where a thing clearly sits to one side of the picture (not within the middle 30%), it is not on the
# other: "the hedge on the right" where the hedge is drawn on the left. The backdrops' fixed features
# with the x of their middle in the frame (0 left edge, 1 right edge) and the nouns they go by.
_FEATURES: dict[str, tuple[tuple[float, tuple[str, ...]], ...]] = {
    "front_door": ((0.2, ("hedge",)), (0.35, ("window",))),
    "driveway": ((0.21, ("lamp post", "street lamp", "streetlight")), (0.72, ("tree",))),
    "backyard": ((0.8, ("shed",)), (0.27, ("bushes", "shrubs"))),
    "living_room": (
        (0.06, ("sofa", "couch", "settee")), (0.12, ("floor lamp", "lamp")), (0.75, ("tv", "television")),
        (0.78, ("cabinet", "tv unit", "sideboard")),
    ),
    "garage": ((0.85, ("workbench", "bench", "shelves", "shelving")),),
}  # fmt: skip
_CLEAR = 0.15  # how far from the middle a thing must be to be on one side


def _frame_x(scene: Scene, actor: Actor) -> float:
    view = BACKDROPS[scene.backdrop].view
    return view.project(actor.x, 0.0, actor.z)[0] / view.width


def _side(x: float) -> str | None:
    return "left" if x < 0.5 - _CLEAR else "right" if x > 0.5 + _CLEAR else None


def _not_on(nouns: Iterable[str], side: str) -> list[str]:
    other = "right" if side == "left" else "left"
    out: list[str] = []
    for noun in nouns:
        out += [
            f"{noun} on+the {other}", f"{noun} on+the far {other}", f"{other}+{noun}",
            f"{other}-hand+{noun}", f"{noun} on+the {other}-hand side", f"{noun} in+the {other}",
            f"{noun} from on+the {other}",  # "flames rise from a box on the left"
        ]  # fmt: skip
    return out


def _side_claims(scene: Scene) -> list[str]:
    out: list[str] = []
    for x, nouns in _FEATURES.get(scene.backdrop, ()):
        side = _side(x)
        if side:
            out += _not_on(nouns, side)
    # the scene's own lights: the fire, the sun that makes the glare
    width = float(OUT_W)  # the flame and the sun are placed in output pixels
    if "fire" in scene.hazards and scene.flame[2]:
        side = _side((scene.flame[0] + scene.flame[2] / 2) / width)
        if side:
            out += _not_on(("fire", "flames", "blaze"), side)
    if "glare" in scene.effects:
        side = _side(scene.sun[0] / width)
        if side:
            other = "right" if side == "left" else "left"
            out += [f"upper {other}", f"top {other}", f"upper-{other}", f"top-{other}", f"{other} corner"]
            out += _not_on(("glare", "sun", "sunlight", "flare"), side)
            out += [f"{n} from+the {other}" for n in ("glare", "sun", "sunlight", "flare", "light")]
    # each kind of thing wholly on one side
    kinds: dict[str, set[str | None]] = {}
    for a in scene.actors:
        group = _kind_group(a)
        if group is not None and a.position is not None:
            kinds.setdefault(group, set()).add(_side(_frame_x(scene, a)))
    for group, sides in sorted(kinds.items()):
        if len(sides) == 1 and None not in sides:
            nouns = [n for n in _nouns(group) if n not in ("left", "dropped")]
            out += _not_on(nouns, next(iter(sides)) or "")
    # someone beside a vehicle is on the side of it they are drawn on, as seen
    for person in (a for a in scene.actors if a.kind == "person"):
        for v in (a for a in scene.actors if a.kind in ("car", "van")):
            if abs(person.x - v.x) < 3.0 and abs(person.z - v.z) < 3.0 and abs(person.x - v.x) > 0.3:
                other = "right" if person.x < v.x else "left"
                out += [f"{other} side of+the {noun}" for noun in _nouns("vehicle")] + [
                    f"{other}-hand side of+the {noun}" for noun in _nouns("vehicle")
                ]
    return out


# ---------------------------------------------------------------------------------- left and right ways

_WAYS = (
    "facing {o}", "faces {o}", "faced {o}", "facing to+the {o}", "faces to+the {o}", "{o}wards",
    "walking to+the {o}", "walks to+the {o}", "heading to+the {o}", "heads to+the {o}", "moving to+the {o}",
    "moves to+the {o}", "pointing {o}", "points {o}", "pointed {o}", "nose to+the {o}",
    "from {d} to {o}", "{d} to+{o}",
)  # fmt: skip
_AWAY = (
    "walking away", "walks away", "walk away", "walked away", "heading away", "heads away",
    "head away", "away down+the", "leaving down+the",
)  # fmt: skip


def _way(actor: Actor) -> str | None:
    """Which way across the frame an actor faces, where the drawing shows one (an animal is drawn in
    profile facing right unless turned left; a vehicle seen side-on faces its `facing`)."""
    if actor.kind in ANIMAL_KINDS:
        return "left" if actor.facing == "left" else "right"
    if actor.kind == "person" and actor.pose != "lie":
        return actor.facing if actor.facing in ("left", "right") else None
    if actor.kind in ("car", "van") and actor.view == "side":
        return actor.facing if actor.facing in ("left", "right") else None
    return None


def _way_claims(scene: Scene) -> list[str]:
    out: list[str] = []
    movers = [
        a for a in scene.actors if a.kind == "person" or a.kind in ANIMAL_KINDS or a.kind in ("car", "van")
    ]
    ways = {_way(a) for a in movers} - {None}
    if len(ways) == 1:
        d = next(iter(ways)) or ""
        o = "right" if d == "left" else "left"
        out += [w.format(d=d, o=o) for w in _WAYS]
    people = [a for a in scene.actors if a.kind == "person"]
    # standing still, most of them facing the camera: nobody is walking off
    if (
        people
        and not any(a.pose in ("walk", "carry") for a in people)
        and sum(a.facing == "front" for a in people) * 2 > len(people)
    ):
        out += _AWAY
    return out


# ------------------------------------------------------------------------------- details of the drawing

# "grazes" alone is fair of a deer on a lawn (blind set G); its head is drawn raised, not down
_HEAD_DOWN = (
    "head down", "head lowered", "lowered head", "lowers its head", "head bowed", "nose to+the ground",
    "head to+the ground",
)  # fmt: skip
_FACE_DOWN = (
    "face down", "facedown", "face-down", "on his front", "on her front", "on their front",
    "on his stomach", "on her stomach", "on their stomach", "on its front",
)  # fmt: skip
_RAISED = (
    "above his head", "above her head", "above their head", "above the head", "over his head",
    "over her head", "over their head", "held high", "holding it high", "held aloft", "raised high",
    "torch raised", "raised torch", "flashlight raised", "raised flashlight", "held up high",
)  # fmt: skip
_STACKED = (
    "parcel stacked", "stacked parcel", "package stacked", "stacked package", "box stacked",
    "stacked box", "boxes stacked", "parcel piled", "piled parcel", "boxes piled", "on top of each other",
    "on top of one another", "one on top of+the other", "stacked on top", "in a stack", "in a pile",
)  # fmt: skip
_NUMBER_WORDS = ("two", "three", "four", "five", "several", "both", "pair of", "couple of")
_DARK_HOUSES = (
    "windows are dark", "windows dark", "dark windows", "unlit windows", "windows unlit",
    "completely dark", "all dark", "houses dark", "houses are dark", "houses+opposite are dark",
    "every window dark", "all the windows dark", "lights off in", "lights are off",
)  # fmt: skip
_BY_THE_SHED = (
    "by+the shed", "beside+the shed", "next to+the shed", "base of+the shed", "along+the shed",
    "against+the shed", "foot of+the shed", "alongside+the shed",
)  # fmt: skip


def _detail_claims(scene: Scene) -> list[str]:
    out: list[str] = []
    animals = [a for a in scene.actors if a.kind in ANIMAL_KINDS]
    people = [a for a in scene.actors if a.kind == "person"]
    if animals and not people:  # every animal is drawn head up (a person may stand head down)
        out += _HEAD_DOWN
    if any(a.pose == "lie" for a in people):  # drawn on the back, face up
        out += _FACE_DOWN
    if any(a.outfit.carries == "torch" for a in people):  # held low, at the hip
        out += _RAISED
    parcels = [a for a in scene.actors if a.kind == "parcel"]
    if parcels and len({a.y for a in parcels}) == 1:  # each on the ground, none on another
        out += _STACKED
    bins = sum(a.kind == "bin" for a in scene.actors)
    if bins == 1:
        out += [f"{w}+{b}" for w in _NUMBER_WORDS for b in ("bins", "wheelie+bins", "wheelie bins")]
    if scene.backdrop == "driveway" and scene.light != "day":
        out += _DARK_HOUSES  # some windows of the houses opposite are lit at night
    if scene.backdrop == "backyard":
        out += [*_DOOR_OPEN, "shed open", "shed is open", "open shed"]  # the shed door is drawn shut
        if not any(a.x > 2.2 and a.z > 6.0 for a in scene.actors):
            out += _BY_THE_SHED
    return out


# ------------------------------------------------------------------------------- counts, things carried

_PLURALS = {
    "dog": "dogs", "cat": "cats", "fox": "foxes", "deer": "deer", "bird": "birds", "hedgehog": "hedgehogs",
}  # fmt: skip
_MORE_THAN_ONE = ("two", "three", "four", "several", "a pair of", "a couple of", "both", "multiple")
# What a person drawn may be said to carry only when the drawing has it (`Outfit.carries`: a box, a torch):
# "the walker carries a bag", "with a bucket", "holding letters" where the hands are empty (blind set Q).
_CARRIED = (
    "bag", "handbag", "backpack", "rucksack", "bucket", "letters", "envelope", "envelopes", "umbrella",
    "ladder", "phone", "clipboard", "mop", "shopping",
)  # fmt: skip
_CARRYING = ("carrying", "carries", "holding", "holds", "with a", "clutching", "holding up")


def _count_and_carry_claims(scene: Scene) -> list[str]:
    """No frame holds two animals of a kind: "two foxes" where one is drawn is a false count (set Q);
    and nobody holds what the drawing does not put in their hands."""
    out: list[str] = []
    kinds = {a.kind for a in scene.actors if a.kind in ANIMAL_KINDS}
    for kind in sorted(kinds):
        if sum(a.kind == kind for a in scene.actors) == 1 and _PLURALS[kind] != kind:
            out += [f"{many} {_PLURALS[kind]}" for many in _MORE_THAN_ONE]
    if any(a.kind == "person" for a in scene.actors):
        for thing in _CARRIED:
            out += [f"{verb} {thing}" if verb != "with a" else f"with+a {thing}" for verb in _CARRYING]
    return out


def derived_not_shown(scene: Scene) -> list[str]:
    """The claims this scene's frame rules out, from its actors and backdrop (see the module doc)."""
    return (
        _place_claims(scene)
        + _pose_claims(scene)
        + _direction_claims(scene)
        + _deed_claims(scene)
        + _side_claims(scene)
        + _way_claims(scene)
        + _detail_claims(scene)
        + _count_and_carry_claims(scene)
    )


def not_shown(scene: Scene) -> list[str]:
    """The scene's own `not_shown` (judgement), then the derived claims, each once."""
    return list(dict.fromkeys([*scene.not_shown, *derived_not_shown(scene)]))
