"""The fixtures manifest: what each frame shows (the ground truth), and where the pixels came from.

The packaged frames and a user's own frames (`--fixtures DIR`) share this schema: a `manifest.json`
beside the images. Everything the vision grader checks is derived from these fields.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Level = Literal["normal", "monitor", "suspicious", "critical"]
Condition = Literal["infrared", "rain", "fog", "glare", "headlights", "dirty_lens"]
Hazard = Literal["fire", "smoke", "water_leak", "fallen_person"]
EitherField = Literal["person_at_door", "indoors", "time_of_day"]
Position = Literal[
    "at_door",  # within reach of a door or gate of the house
    "path",
    "driveway",
    "street",
    "pavement",
    "yard",
    "fence",
    "alley",
    "indoor_floor",
    "indoor",
]
ObjectClass = Literal[
    "person",
    "car",
    "van",
    "truck",
    "motorcycle",
    "package",
    "dog",
    "cat",
    "fox",
    "deer",
    "bird",
    "hedgehog",
    "squirrel",
    "badger",
    "rabbit",
]

# The canonical colour names (those of `graders.facts.COLOURS`: silver reads as grey, navy as blue...).
ColourName = Literal[
    "red",
    "orange",
    "yellow",
    "green",
    "blue",
    "purple",
    "pink",
    "brown",
    "black",
    "white",
    "grey",
    "gold",
    "beige",
    "blonde",
]
# What a colour can be given to: vehicles and bins, a person's clothes, animals by kind, and the parts
# of the place a description names (a door, a gate, a fence, a shed, a sofa, a rug, kitchen units).
ColourGroup = Literal[
    "car",
    "van",
    "bin",
    "top",  # coat, jacket, hoodie, jumper, shirt...
    "bottom",  # trousers, jeans, shorts, skirt...
    "cap",  # cap, hat, beanie
    "vest",  # a hi-vis vest
    "dog",
    "cat",
    "fox",
    "deer",
    "bird",
    "hedgehog",
    "squirrel",
    "badger",
    "rabbit",
    "door",
    "gate",
    "fence",
    "shed",
    "sofa",
    "rug",
    "cabinet",  # kitchen cabinets, cupboards, units
    "collar",  # a dog's collar
]

LEVELS: tuple[Level, ...] = ("normal", "monitor", "suspicious", "critical")
CONDITIONS: tuple[Condition, ...] = ("infrared", "rain", "fog", "glare", "headlights", "dirty_lens")
HAZARDS: tuple[Hazard, ...] = ("fire", "smoke", "water_leak", "fallen_person")
VEHICLE_CLASSES = frozenset({"car", "van", "truck", "motorcycle"})
ANIMAL_CLASSES = frozenset({"dog", "cat", "fox", "deer", "bird", "hedgehog", "squirrel", "badger", "rabbit"})
ID_PATTERN = r"^[a-z0-9][a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(_Strict):
    """Where pixels came from, and under which licence."""

    id: str
    description: str
    licence: str
    origin: str | None = None


class SceneObject(_Strict):
    cls: ObjectClass = Field(alias="class")
    count: int = Field(default=1, ge=1)
    position: Position

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class FixtureImage(_Strict):
    """One frame and its ground truth."""

    id: str = Field(pattern=ID_PATTERN)
    file: str
    camera: str
    time_of_day: Literal["day", "night"]
    indoors: bool
    conditions: list[Condition] = Field(default_factory=list, description="Conditions the answer must name.")
    conditions_ok: list[Condition] = Field(default_factory=list, description="Further conditions tolerated.")
    objects: list[SceneObject] = Field(default_factory=list)
    hazards: list[Hazard] = Field(default_factory=list)
    hazards_ok: list[Hazard] = Field(default_factory=list)
    level: Level
    level_ok: list[Level] = Field(default_factory=list, description="Other levels that are also right.")
    either: list[EitherField] = Field(
        default_factory=list,
        description="Fields the frame cannot decide (e.g. no window and no clock): any value is accepted.",
    )
    not_shown: list[str] = Field(
        default_factory=list,
        description=(
            "Claims a careful viewer can see are false here (a wrong place, pose or direction for what "
            "is shown, a tool or deed nobody has); a description must not make them. Each is matched by "
            "meaning and negation-aware: a word stands for its synonyms, up to two words may come "
            "between words, and words joined by '+' take none."
        ),
    )
    colours: dict[ColourGroup, list[ColourName]] = Field(
        default_factory=dict,
        description=(
            "Per group (car, van, bin, top, bottom, cap, vest, an animal kind, or a part of the place: "
            "door, gate, fence, shed, sofa, rug, cabinet), every colour name a "
            "careful viewer could fairly give what the frame shows of it (union over the frame's things "
            "of that group). A description that gives a thing of a listed group another colour fails; "
            "groups not listed, and frames without the field, are not checked for colour."
        ),
    )
    description: str
    sources: list[str] = Field(default_factory=list, description="Ids of `Manifest.sources` used.")
    sha256: str | None = None

    # ------------------------------------------------------------- derived truth
    def count(self, classes: frozenset[str] | set[str]) -> int:
        return sum(o.count for o in self.objects if o.cls in classes)

    @property
    def people(self) -> int:
        return self.count({"person"})

    @property
    def vehicles(self) -> int:
        return self.count(VEHICLE_CLASSES)

    @property
    def packages(self) -> int:
        return self.count({"package"})

    @property
    def animals(self) -> list[str]:
        return sorted({o.cls for o in self.objects if o.cls in ANIMAL_CLASSES})

    @property
    def person_at_door(self) -> bool:
        return any(o.cls == "person" and o.position == "at_door" for o in self.objects)


class Manifest(_Strict):
    schema_version: Literal[1] = 1
    name: str = "fixtures"
    version: str = "1"
    generator: str | None = None
    sources: list[Source] = Field(default_factory=list)
    images: list[FixtureImage] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Manifest:
        seen: set[str] = set()
        for image in self.images:
            if image.id in seen:
                raise ValueError(f"duplicate image id {image.id!r}")
            seen.add(image.id)
        known = {s.id for s in self.sources}
        for image in self.images:
            missing = [s for s in image.sources if s not in known]
            if missing:
                raise ValueError(f"image {image.id!r} names unknown source {', '.join(missing)}")
        return self

    def image(self, image_id: str) -> FixtureImage:
        for image in self.images:
            if image.id == image_id:
                return image
        raise KeyError(image_id)
