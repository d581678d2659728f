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
- things held and deeds: a parcel in the hands where nobody carries one (with any words between, and
  "in both hands" where every hand is empty), a torch where nobody has one,
  a tool (crowbar, screwdriver, prying, picking the lock) where nobody holds any, damage (smashing,
  a broken window) anywhere, knocking or ringing
  at a front door nobody touches, a driver getting out where nobody is in view, a door or gate open
  where every one is drawn shut, a break-in outdoors;
- sides of the frame: a thing clearly to one side (an actor kind, a backdrop feature, the fire, the
  sun) is not on the other, and someone beside a vehicle is on its side they are drawn on, as seen;
- left and right ways: where everything in profile faces one way, the other is ruled out; people
  standing still and mostly facing the camera are not walking away;
- counts and things carried: no frame holds two animals of a kind ("two foxes" for one), and nobody
  carries a bag, a bucket, letters, an umbrella or a phone the drawing does not put in their hands;
- details: no animal is drawn head down, a person lying is face up, a torch is held low, parcels are
  never stacked, one bin is not two, the houses opposite the driveway have lit windows at night (six
  or seven of them), the shed door is shut and nothing is by the shed, the television is off, a person
  lying is drawn head to the right;
- landmarks: each backdrop's fixed things (the front door, the window, the sofa, the washing machines,
  the shed...) are placed by projecting their floor boxes, so a kind on one side of a landmark or of a
  bin, as seen, is not on its other side ("to the right of the front door"); one far from a landmark
  both on the ground and across the frame is not beside it; water is in front only of what it spreads
  across; something clearly in one half of a passage or room is not against the other wall; in a day
  frame a colour of vehicle is not on the side where no vehicle of that colour is;
- things no backdrop draws: a bicycle, a chair, a ladder, a pan, a flower bed... (and outdoors a bin
  where no bin is drawn) are invented; no animal digs, eats, drinks or chases anything (a deer may
  graze).

What a still cannot settle stays out: whether a car seen from the side is moving, whether a car seen
from the front is arriving or reversing out, whether someone at a door is coming or going. Judgement
that no rule captures is written per scene in `scenes.py` (`Scene.not_shown`) and comes first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fixture_render.backdrops import BACKDROPS, WALLS
from fixture_render.canvas import OUT_W
from fixture_render.colours import colour_names

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
            # the plain verb of a plural subject: "three people crouch low" (hunting set Q)
            "crouch", "crouch down", "in a crouch", "squat", "kneel",
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
        ("climb",),
    ),
    "leap": (
        (
            "leaping", "leaps", "leapt", "jumping", "jumps", "jumped", "pouncing", "pounces",
            "bounding", "springing",
        ),
        ("leap", "jump"),
    ),
    "run": (
        ("running", "runs", "sprinting", "sprints", "dashing", "dashes", "fleeing", "flees"),
        ("run", "sprint", "dash", "flee"),
    ),
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
        out += ["face is visible", *_toward_the_camera()]
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
        facing = ["facing the house", *_toward_the_camera()]
    if people:
        facing = [f"{noun} {phrase}" for noun in _nouns("vehicle") for phrase in facing]
    return out + facing


# Turned or moving toward the camera, said with its verb: a bare "toward the camera" may be of a part ("its
# rear towards the camera", "his back toward the camera": blind set X), which says the opposite.
_TOWARD_VERBS = (
    "facing", "faces", "pointing", "points", "turned", "driving", "drives", "heading", "heads",
    "coming", "comes", "walking", "walks", "moving", "moves", "nose", "front", "bonnet",
)  # fmt: skip


def _toward_the_camera() -> list[str]:
    return ["facing the camera", "faces the camera"] + [
        f"{verb} {to} the camera" for verb in _TOWARD_VERBS for to in ("toward", "towards")
    ]


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
# ("holds" is left out: by meaning it is also "waits", as alerts are held: "a courier waits by a box")
_HOLDING_VERBS = ("holding", "carries", "carrying", "clutches", "clutching", "cradling", "holds out")
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
# Nobody drawn damages anything, and nothing is drawn broken (blind set AB: "a person smashing the car
# window" for one who peers in at it).
_DAMAGING = (
    "smash", "smashing", "smashes", "smashed", "shattering", "shatters", "shattered", "vandalising",
    "vandalizing", "vandalises", "vandalizes", "vandalised", "vandalized", "breaking the window",
    "breaking a window", "breaks the window", "broke the window", "breaking the glass", "breaking glass",
    "kicking the door", "kicks the door", "kicked the door", "kicking+in", "kicked+in", "kicks+in",
)  # fmt: skip
_BROKEN = (
    "broken window", "window broken", "window is broken", "broken glass", "glass broken", "broken pane",
    "cracked window", "window cracked", "cracked glass", "shattered",
)  # fmt: skip
# A fire or a leak damages what it reaches: "fire-damaged", "water damage" may fairly be said of it.
_DAMAGED = ("damaged", "damaging")
# Every car and van is drawn with its doors shut (blind set Q: "with the driver's door open").
_CAR_DOOR_OPEN = (
    "car door open", "car door is open", "car door opened", "opened the car door", "opening the car door",
    "driver's door open", "driver's door is open", "opened the driver's door", "opening the driver's door",
    "door of the car open", "van door open", "van doors open", "opened the van door", "boot open",
    "boot is open", "tailgate open",
)  # fmt: skip
# "posting letters through the letterbox" where she stands with empty hands (blind set S)
_POSTING = (
    "posting", "posts a", "posts the", "posted", "through+the letterbox", "through+the letter box",
    "into+the letterbox", "through+the letter slot", "through+the mail slot", "delivering the post",
    "delivering post", "delivering mail", "delivering the mail", "delivering letters",
)  # fmt: skip
_OUT_OF_A_VEHICLE = ("got out", "at the wheel", "unloading", "unloaded", "loading")


def _deed_claims(scene: Scene) -> list[str]:
    out: list[str] = list(_BROKEN)
    if not {"fire", "smoke", "water_leak"} & {*scene.hazards, *scene.hazards_ok}:
        out += _DAMAGED
    people = [a for a in scene.actors if a.kind == "person"]
    carried = {a.outfit.carries for a in people}
    if people:
        out += _TOOLS + _FORCING + _MOVING_BINS + _DAMAGING
        if "box" not in carried:
            out += _HOLDING
            # "holds a brown cardboard parcel out in both hands" (blind set U): any words between
            out += [
                f"{verb} ... {thing}" for verb in _HOLDING_VERBS for thing in ("parcel", "box", "package")
            ]
            if carried <= {None}:  # hands drawn empty
                out += ["in both hands", "in+his hands", "in+her hands", "in+their hands"]
            if not any(a.kind == "parcel" for a in scene.actors):
                out += _DELIVERING
        if "torch" not in carried:
            out += ["torch", "flashlight"]
    if scene.backdrop == "front_door":  # the front door is drawn shut, and nobody touches its bell
        out += _KNOCKING + _DOOR_OPEN + _POSTING  # ... nor its letterbox
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
# other: "the hedge on the right" where the hedge is drawn on the left.
_CLEAR = 0.15  # how far from the middle a thing must be to be on one side


@dataclass(frozen=True)
class Landmark:
    """A fixed thing a backdrop draws (`backdrops.py`): the nouns it goes by and its floor box in
    metres (x across, z away from the camera), so where it sits in the frame is projected, not guessed."""

    nouns: tuple[str, ...]
    x: tuple[float, float]
    z: tuple[float, float]


def _lm(nouns: tuple[str, ...], x0: float, x1: float, z0: float, z1: float | None = None) -> Landmark:
    return Landmark(nouns, (x0, x1), (z0, z0 if z1 is None else z1))


LANDMARKS: dict[str, tuple[Landmark, ...]] = {
    "front_door": (
        _lm(("door", "front door"), 0.4, 1.4, 6.98),
        _lm(("window",), -2.6, -1.0, 6.98),
        _lm(("hedge",), -5.0, -1.4, 3.6, 4.3),
        _lm(("wall lamp", "porch lamp", "porch light"), 1.75, 1.95, 6.96),
    ),
    "driveway": (
        _lm(("lamp post", "street lamp", "streetlight"), -6.1, -5.9, 11.5),
        _lm(("tree",), 8.0, 10.0, 22.5),
    ),
    "backyard": (_lm(("shed",), 3.2, 6.4, 7.2, 10.3), _lm(("bushes", "shrubs"), -5.8, -3.0, 10.4)),
    "side_gate": (_lm(("gate",), -1.3, 1.4, 9.0),),
    "living_room": (
        _lm(("sofa", "couch", "settee"), -3.4, -2.45, 1.8, 4.8),
        _lm(("floor lamp", "lamp"), -3.1, -2.7, 5.6),
        _lm(("patio door", "glass door", "sliding door"), 0.22, 2.78, 6.48),
        _lm(("tv", "television"), 2.4, 3.5, 6.45),
        _lm(("cabinet", "tv unit", "sideboard"), 2.6, 3.5, 4.4, 6.3),
    ),
    "kitchen": (
        _lm(("hob", "cooker", "stove"), -0.75, -0.17, 4.6, 5.2),
        _lm(("window",), 0.9, 2.0, 5.18),
        _lm(("table", "island"), -0.8, 0.6, 2.2, 3.1),
    ),
    "garage": (
        _lm(("workbench", "bench", "shelves", "shelving"), 1.6, 3.15, 2.4, 5.4),
        _lm(("garage door",), -1.8, 1.8, 6.78),
        _lm(("storage boxes",), -2.9, -1.9, 3.9, 4.6),
    ),
    "utility": (
        _lm(
            ("washing machine", "washer", "tumble dryer", "dryer", "machines", "appliances"),
            -2.15,
            -0.88,
            3.95,
            4.58,
        ),
        _lm(("sink", "cabinet", "cupboard", "unit"), 0.6, 2.35, 4.0, 4.58),
    ),
}


def _span(scene: Scene, xs: Iterable[float], zs: Iterable[float]) -> tuple[float, float] | None:
    """Where a floor box lies across the frame (0 left edge, 1 right edge), clipped to the frame; None
    when none of it is in view."""
    view = BACKDROPS[scene.backdrop].view
    zs = tuple(zs)
    xs_frame = [view.project(x, 0.0, z)[0] / view.width for x in xs for z in zs]
    lo, hi = max(0.0, min(xs_frame)), min(1.0, max(xs_frame))
    return (lo, hi) if hi > lo else None


def _frame_x(scene: Scene, actor: Actor) -> float:
    """Where the middle of an actor's drawn floor box is across the frame (`_extent`: a parcel is drawn
    from its corner, a body about its middle)."""
    (x0, x1), (z0, z1) = _extent(actor)
    view = BACKDROPS[scene.backdrop].view
    return view.project((x0 + x1) / 2, 0.0, (z0 + z1) / 2)[0] / view.width


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


_BURNING = (
    "rise",
    "rising",
    "rises",
    "coming",
    "comes",
    "spreading",
    "spreads",
    "burning",
    "pouring",
    "leaping",
)
_STANDING_VEHICLE = ("parked", "stopped", "waiting", "pulled up")


def _side_claims(scene: Scene) -> list[str]:
    out: list[str] = []
    for landmark in LANDMARKS.get(scene.backdrop, ()):
        span = _span(scene, landmark.x, landmark.z)
        side = _side(sum(span) / 2) if span else None
        if side:
            out += _not_on(landmark.nouns, side)
    # the scene's own lights: the fire, the sun that makes the glare
    width = float(OUT_W)  # the flame and the sun are placed in output pixels
    if "fire" in scene.hazards and scene.flame[2]:
        side = _side((scene.flame[0] + scene.flame[2] / 2) / width)
        if side:
            out += _not_on(("fire", "flames", "blaze"), side)
            # what burns, placed: "flames rise from a wooden crate on the left side" (blind set T)
            other = "right" if side == "left" else "left"
            out += [f"{n} {v} from ... on+the {other}" for n in ("fire", "flames", "blaze") for v in _BURNING]
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
            if group == "vehicle":  # "a white van parked at the kerb on the right" (blind set Q)
                other = "right" if sides == {"left"} else "left"
                out += [
                    f"{n} {verb} ... {where}+the {other}"
                    for n in nouns
                    for verb in _STANDING_VEHICLE
                    for where in ("on", "to")  # "parked on the street to the right" (blind set T)
                ]
    # someone beside a vehicle is on the side of it they are drawn on, as seen
    for person in (a for a in scene.actors if a.kind == "person"):
        for v in (a for a in scene.actors if a.kind in ("car", "van")):
            if abs(person.x - v.x) < 3.0 and abs(person.z - v.z) < 3.0 and abs(person.x - v.x) > 0.3:
                other = "right" if person.x < v.x else "left"
                out += [f"{other} side of+the {noun}" for noun in _nouns("vehicle")] + [
                    f"{other}-hand side of+the {noun}" for noun in _nouns("vehicle")
                ]
                # "at the car's right-hand side" (blind set U)
                out += [f"{noun}+{other}{hand}+side" for noun in _nouns("vehicle") for hand in ("", "-hand")]
    return out


# Which colour of vehicle is on which side, in a day frame: where every vehicle a colour name fits is
# clearly on one side, a vehicle of that colour is not on the other ("a red one on the left, a white
# and a blue one on the right" where the white car is on the left: blind sets Q and R).
_VEHICLE_WORDS = ("car", "van", "vehicle", "one", "hatchback", "estate", "saloon")


def _colour_side_claims(scene: Scene) -> list[str]:
    if scene.light != "day":
        return []
    sides: dict[str, set[str | None]] = {}
    for a in scene.actors:
        if a.kind in ("car", "van"):
            for name in colour_names(a.color):
                sides.setdefault(name, set()).add(_side(_frame_x(scene, a)))
    out: list[str] = []
    for name, where in sorted(sides.items()):
        if len(where) == 1 and None not in where:
            other = "right" if where == {"left"} else "left"
            for noun in _VEHICLE_WORDS:
                out += [f"{name} {noun} on+the {other}"]
            # a list of the cars' colours with no noun: "red and blue on the left, white on the right"
            out += [f"{name}+on+the {other}"] + [
                f"{name} and+{second} on+the {other}" for second in sorted(sides)
            ]
    return out


# How many vehicles of a colour, in a day frame: no more of a colour than the vehicles a colour name fits
# ("two white cars and a red car" where one car is white and the third blue: blind set W).
_MORE_THAN = {
    1: ("two", "2", "three", "3", "four", "4", "several", "a pair of", "a couple of", "multiple"),
    2: ("three", "3", "four", "4", "several"),
    3: ("four", "4"),
}
_VEHICLE_PLURALS = ("cars", "vans", "vehicles", "hatchbacks", "saloons")


def _colour_count_claims(scene: Scene) -> list[str]:
    if scene.light != "day":
        return []
    counts: dict[str, int] = {}
    for a in scene.actors:
        if a.kind in ("car", "van"):
            for name in colour_names(a.color):
                counts[name] = counts.get(name, 0) + 1
    return [
        f"{many} {name}+{plural}"
        for name, count in sorted(counts.items())
        for many in _MORE_THAN.get(count, ())
        for plural in _VEHICLE_PLURALS
    ]


# ---------------------------------------------------------------------------------- left and right ways

_WAYS = (
    "facing {o}", "faces {o}", "faced {o}", "facing to+the {o}", "faces to+the {o}", "{o}wards",
    "walking to+the {o}", "walks to+the {o}", "heading to+the {o}", "heads to+the {o}", "moving to+the {o}",
    "moves to+the {o}", "pointing {o}", "points {o}", "pointed {o}", "nose to+the {o}",
    "from {d} to {o}", "{d} to+{o}",
    # "passing the driveway entrance, heading left" (blind set Q)
    "heading {o}", "heads {o}", "headed {o}", "moving {o}", "moves {o}", "travelling {o}", "traveling {o}",
)  # fmt: skip
_WALKING = (
    "walking",
    "walks",
    "walked",
    "crossing",
    "crosses",
    "trotting",
    "trots",
    "running",
    "runs",
    "going",
)
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
        if o == "left":  # "walks left across the lawn" (blind set S); "walks right across" is "straight"
            out += [f"{verb}+left" for verb in _WALKING]  # "walking a dog left to right" is no claim
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
# "head towards the blue sofa on the left" for a person lying head to the right (blind set U)
_HEAD_LEFT = (
    "towards+the left",
    "toward+the left",
    "to+the left",
    "on+the left",
    "pointing left",
    "at+the left",
)
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
    if any(a.pose == "lie" for a in people):  # drawn on the back, face up, head to the right
        out += _FACE_DOWN
        out += [f"head {p}" for p in _HEAD_LEFT] + [f"feet {p.replace('left', 'right')}" for p in _HEAD_LEFT]
        lying = [a for a in people if a.pose == "lie"]
        for landmark in LANDMARKS.get(scene.backdrop, ()):
            span = _span(scene, landmark.x, landmark.z)
            mids = [sum(c) / 2 for c in (_span(scene, *_extent(a)) for a in lying) if c]
            if span and mids and all(sum(span) / 2 < m for m in mids):  # a landmark on the feet's side
                out += [f"head ... towards+the {n}" for n in landmark.nouns]
                out += [f"head ... toward+the {n}" for n in landmark.nouns]
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
_CARRYING = ("carrying", "holding", "carries", "holds", "with a", "clutching", "holding up")
_MEASURES = ("bundle", "stack", "pile", "handful", "bunch", "armful")


def _count_and_carry_claims(scene: Scene) -> list[str]:
    """No frame holds two animals of a kind: "two foxes" where one is drawn is a false count (set Q);
    and nobody holds what the drawing does not put in their hands."""
    out: list[str] = []
    kinds = {a.kind for a in scene.actors if a.kind in ANIMAL_KINDS}
    for kind in sorted(kinds):
        if sum(a.kind == kind for a in scene.actors) == 1:  # "two deer graze" for one (blind set R)
            out += [f"{many} {_PLURALS[kind]}" for many in _MORE_THAN_ONE]
    if any(a.kind == "person" for a in scene.actors):
        for thing in _CARRIED:
            out += [f"{verb} {thing}" if verb != "with a" else f"with+a {thing}" for verb in _CARRYING]
            # "holding a bundle of letters" (blind set Q)
            out += [f"{verb} {measure} of {thing}" for verb in _CARRYING[:2] for measure in _MEASURES]
    return out


# ------------------------------------------------------------------- beside, left and right of things

# Where every one of a kind is clearly left of a landmark (or of a bin) in the picture, it is not right
# of it, and the other way round ("a hooded figure stands to the right of the front door" for one by the
# window, "crouches to the right of the wheelie bins" for one left of them: blind sets Q and R); a kind
# well away from a landmark is not beside it, nor in front of one it does not overlap ("water pooling
# in front of the green cabinet" where it spreads from the machines). Said of the kind's nouns within one
# clause ("..."), so a landmark's own place ("the lamp right of the door") is never the kind's claim.
_APART = 0.02  # how far apart in the frame (a fraction of its width) two things must be to be told apart
_NEAR = 1.5  # metres: nearer than this a thing may fairly be said to be beside a landmark
_WELL_APART = 0.1  # ... or nearer than this across the frame
_WATER = ("water", "puddle", "pool", "leak", "flood")


def _extent(actor: Actor) -> tuple[tuple[float, float], tuple[float, float]]:
    """An actor's floor box in metres, as `scene._draw_actor` draws it: a sheet of water about its
    middle; a bin and a parcel from their left front corner; a body about its middle."""
    if actor.kind == "water" and actor.size:
        w, d = actor.size[0], actor.size[1]
        return (actor.x - w / 2, actor.x + w / 2), (actor.z - d / 2, actor.z + d / 2)
    if actor.kind == "bin":
        return (actor.x, actor.x + 0.6), (actor.z, actor.z + 0.72)
    if actor.kind == "parcel":
        w, d = (actor.size[0], actor.size[2]) if len(actor.size) == 3 else (0.45, 0.35)
        return (actor.x, actor.x + w), (actor.z, actor.z + d)
    half = 0.3
    return (actor.x - half, actor.x + half), (actor.z, actor.z)


def _gap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return max(b[0] - a[1], a[0] - b[1], 0.0)


def _subjects(scene: Scene) -> dict[tuple[str, ...], list[Actor]]:
    """The kinds a relation is said of, by the nouns they go by."""
    out: dict[tuple[str, ...], list[Actor]] = {}
    for a in scene.actors:
        group = _kind_group(a)
        nouns = (
            _WATER if a.kind == "water" else _BIN_NOUNS if a.kind == "bin" else _nouns(group) if group else ()
        )
        nouns = tuple(n for n in nouns if n not in ("left", "dropped"))
        if nouns:
            out.setdefault(nouns, []).append(a)
    return out


def _relative_claims(scene: Scene) -> list[str]:
    references = [(lm.nouns, lm.x, lm.z) for lm in LANDMARKS.get(scene.backdrop, ())]
    references += [(_BIN_NOUNS, *_extent(a)) for a in scene.actors if a.kind == "bin"]
    out: list[str] = []
    for nouns, members in _subjects(scene).items():
        for ref_nouns, ref_x, ref_z in references:
            if ref_nouns == nouns:
                continue
            span = _span(scene, ref_x, ref_z)
            centres = [_span(scene, *_extent(a)) for a in members]
            if span and all(centres):
                # what stands in the left half of a door is not to the right of it (blind set Q)
                mids, middle = [sum(c) / 2 for c in centres if c], sum(span) / 2
                if all(m < middle - _APART for m in mids):
                    out += _not_beside_on(nouns, ref_nouns, "right")
                elif all(m > middle + _APART for m in mids):
                    out += _not_beside_on(nouns, ref_nouns, "left")
            boxes = [_extent(a) for a in members]
            # A leak's place names its source, so water is in front only of what it spreads across (a
            # cat on the lawn is "in front of the shed" to any viewer).
            if members[0].kind == "water" and all(_gap(x, ref_x) > 0.1 for x, _ in boxes):
                out += [f"{n} ... in front of+the {r}" for n in nouns for r in ref_nouns]
            # Beside is read off the picture ("a deer by the fence beside the bushes"; blind sets G and
            # R), so only what is far apart both on the ground and across the frame is not beside it; and
            # how near someone is to the door or gate a frame cannot settle is no claim either way.
            undecided = "person_at_door" in scene.either and members[0].kind == "person"
            far = all((_gap(x, ref_x) ** 2 + _gap(z, ref_z) ** 2) ** 0.5 > _NEAR for x, z in boxes)
            apart = span is not None and all(c and _gap(c, span) > _WELL_APART for c in centres)
            if far and apart and not undecided:
                out += [f"{n} ... {w} the {r}" for n in nouns for r in ref_nouns for w in _BESIDE]
    return out


# Not "near": every animal of the backyard frames is about 4 m from the shed, and writers fairly call the
# cat and the dog "near the shed" (hunting set Q's hedgehog, as far, stays open).
_BESIDE = ("beside", "next to", "alongside", "right beside")


def _not_beside_on(nouns: Iterable[str], ref_nouns: Iterable[str], other: str) -> list[str]:
    """The kind said to be on the `other` side of the reference, as seen."""
    return [
        f"{n} ... {phrase} {r}"
        for n in nouns
        for r in ref_nouns
        for phrase in (f"{other} of+the", f"{other}-hand side of+the", f"{other} side of+the")
    ]


# Against one wall of a passage or a room: every one of a kind clearly in one half is not against the
# other wall ("the wheelie bin against the left-hand wall" for one on the right: blind set Q).


def _wall_claims(scene: Scene) -> list[str]:
    walls = WALLS.get(scene.backdrop)
    if not walls:
        return []
    middle, half = sum(walls) / 2, (walls[1] - walls[0]) / 2
    out: list[str] = []
    for nouns, members in _subjects(scene).items():
        offsets = [(sum(_extent(a)[0]) / 2 - middle) / half for a in members]
        if all(o > 0.3 for o in offsets) or all(o < -0.3 for o in offsets):
            other = "left" if offsets[0] > 0 else "right"
            out += [f"{n} ... {other}{hand} wall" for n in nouns for hand in ("", "-hand")]
    return out


# ------------------------------------------------------------------------ things no backdrop draws

# Everything a frame holds is drawn from its backdrop (`backdrops.py`) and its actors, so a thing neither
# draws is invented: "a bicycle leaning against the wall", "a garden chair knocked over", "smoke rising
# from a pan on the hob", "a wheelie bin at the entrance" (blind set Q). Each with the backdrops that do
# draw one; bins are actors, so they are ruled out wherever no bin is drawn.
_UNDRAWN: tuple[tuple[tuple[str, ...], frozenset[str]], ...] = (
    (("bicycle", "bike", "motorbike", "motorcycle", "scooter", "moped"), frozenset()),
    (("chair", "armchair", "deckchair", "stool", "garden furniture", "patio furniture"), frozenset()),
    (("bench",), frozenset({"garage"})),
    (("table",), frozenset({"kitchen"})),
    (("coffee table", "dining table", "picnic table"), frozenset()),
    (("ladder", "wheelbarrow", "lawnmower", "lawn mower", "mower", "hosepipe", "garden hose"), frozenset()),
    (
        (
            "trampoline", "swing set", "climbing frame", "paddling pool", "pond", "fountain", "bird bath",
            "birdbath", "bird feeder", "statue", "gnome", "barbecue", "bbq", "greenhouse", "washing line",
            "clothesline", "kennel", "flower bed", "flowerbed", "flower pot", "plant pot", "potted plant",
            "planter", "flowers", "toys", "football",
        ),
        frozenset(),
    ),
    (("pram", "pushchair", "buggy", "stroller", "suitcase", "shopping trolley"), frozenset()),
    (("a pan", "the pan", "frying pan", "saucepan", "kettle", "toaster", "microwave", "fridge", "dishwasher"),
     frozenset()),
    (("curtains", "curtain", "blinds", "fireplace", "bookcase", "bookshelf", "houseplant", "house plant",
      "doormat", "door mat", "welcome mat"), frozenset()),
)  # fmt: skip
_BIN_NOUNS = ("bin", "dustbin")
_ALL_BINS = (
    "bin",
    "bins",
    "wheelie bin",
    "dustbin",
    "rubbish bin",
    "recycling bin",
    "trash can",
    "garbage can",
)


def _undrawn_claims(scene: Scene) -> list[str]:
    out = [noun for nouns, drawn_in in _UNDRAWN if scene.backdrop not in drawn_in for noun in nouns]
    # Indoors a burning or stored box is fairly "a box or bin"; outdoors no bin stands where none is drawn.
    if not any(a.kind == "bin" for a in scene.actors) and not BACKDROPS[scene.backdrop].indoors:
        out += _ALL_BINS
    return out


# ------------------------------------------------------------------------- states of the backdrop

# The living room's television is drawn off, a black screen (blind set Q: "with the TV switched on").
_TV_ON = (
    "tv switched on", "tv turned on", "tv is switched on", "tv left on", "tv playing", "tv showing",
    "tv flickering", "tv glowing", "television switched on", "television turned on", "television playing",
    "screen lit", "lit screen", "screen glowing", "glowing screen", "screen showing", "screen flickering",
    "screen switched on", "screen turned on", "switched-on tv",
)  # fmt: skip
# At night six or seven windows of the houses opposite the driveway are lit (one at the frame's edge):
# "only two lit windows across the road" miscounts them (blind set Q).
_LIT_WINDOWS = (6, 7)
_COUNT_WORDS = (
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
)  # fmt: skip


def _state_claims(scene: Scene) -> list[str]:
    out: list[str] = []
    if scene.backdrop == "living_room":
        out += _TV_ON
    if scene.backdrop == "driveway" and scene.light != "day":
        for n, word in enumerate(_COUNT_WORDS, start=1):
            if n in _LIT_WINDOWS:
                continue
            for count in (word, str(n)):
                out += [
                    f"{count} lit+window", f"{count} illuminated+window", f"{count} glowing+window",
                    f"{count} lit-up+window", f"{count} window+lit", f"{count} windows+are+lit",
                    f"{count} window+glowing",
                ]  # fmt: skip
        out += ["single lit+window", "only one window+lit", "one window+is+lit"]
    return out


# --------------------------------------------------------------------------- what animals are doing

# Every animal is drawn standing or walking, head up: none digs, eats, drinks or chases anything
# ("a dog digging in the flower bed by the back fence": blind set Q). A deer on a lawn may fairly be
# said to graze (set G), so to eat or feed there too.
_ANIMAL_ACTS = (
    "digging", "digs", "dug", "burrowing", "drinking", "drinks", "chasing", "chases", "rolling around",
    "rolling on", "scratching at", "pawing", "paws at", "pecking", "pecks", "barking", "barks", "fighting",
    "playing with", "sniffing at+the ground", "sniffing the ground", "rummaging", "foraging in+the bin",
)  # fmt: skip
_EATING = ("eating", "eats", "feeding", "feeds")


def _animal_act_claims(scene: Scene) -> list[str]:
    kinds = {a.kind for a in scene.actors if a.kind in ANIMAL_KINDS}
    if not kinds:
        return []
    return list(_ANIMAL_ACTS) + ([] if "deer" in kinds else list(_EATING))


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
        + _colour_side_claims(scene)
        + _colour_count_claims(scene)
        + _relative_claims(scene)
        + _wall_claims(scene)
        + _undrawn_claims(scene)
        + _state_claims(scene)
        + _animal_act_claims(scene)
    )


def not_shown(scene: Scene) -> list[str]:
    """The scene's own `not_shown` (judgement), then the derived claims, each once."""
    return list(dict.fromkeys([*scene.not_shown, *derived_not_shown(scene)]))
