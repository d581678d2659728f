"""The scene descriptions behind the packaged fixtures: one entry per frame, ids stable forever.

Positions are in metres in each backdrop's frame (x right of the camera, z away from it). The level
is the judgement a careful human monitor would make from this one frame alone, on the scale:
normal (ordinary), monitor (unusual, worth a note), suspicious (apparent intent to trespass or steal),
critical (an active threat to people or property).
"""

from __future__ import annotations

from homesec_bench.vision.render.figures import Outfit
from homesec_bench.vision.render.scene import Actor, Scene

COURIER = Outfit(top="#2b2b2e", bottom="#23252b", hivis=True, cap="#1d1d1d", skin="#8d5a3b", hair="#15100c")
COURIER_BOX = Outfit(top="#2b2b2e", bottom="#23252b", hivis=True, skin="#e0b89a", hair="#5a3b22", carries="box")
HOODIE = Outfit(top="#1f1f24", bottom="#26262b", hood=True, skin="#c69c7b")
HOODIE_GREY = Outfit(top="#8a8d94", bottom="#1f2024", hood=True, skin="#8d5a3b")
VISITOR = Outfit(top="#3c5a3a", bottom="#2f3440", skin="#e0b89a", hair="#6b4a2b")
CANVASSER_A = Outfit(top="#2f3f66", bottom="#3b3b40", skin="#5c3a24", hair="#120d0a", carries="clipboard")
CANVASSER_B = Outfit(top="#7a7a7e", bottom="#2a2d36", skin="#e8c4a6", hair="#b58a4a", carries="clipboard")
POSTWOMAN = Outfit(top="#c23a2a", bottom="#1f2a44", skin="#c69c7b", hair="#2a1d15")
WALKER = Outfit(top="#4a4f5a", bottom="#2b2e36", skin="#e0b89a", hair="#3b2a1e")
CLEANER = Outfit(top="#4f6e8f", bottom="#2c2c30", skin="#c69c7b", hair="#1a1410")
DARK = Outfit(top="#202024", bottom="#1c1c20", skin="#c69c7b", hair="#1a1410", cap="#151515")
DARK_B = Outfit(top="#3a3a3e", bottom="#222226", hood=True, skin="#8d5a3b")
DARK_C = Outfit(top="#2c3440", bottom="#1d1f24", skin="#e0b89a", hair="#3b2a1e")
RESIDENT = Outfit(top="#5d6b7a", bottom="#34363c", skin="#e8c4a6", hair="#9a7a4a")
TORCH = Outfit(top="#1f1f24", bottom="#1c1c20", hood=True, skin="#c69c7b", carries="torch")

SCENES: tuple[Scene, ...] = (
    # ------------------------------------------------------------------ front door
    Scene(
        "front_courier_parcel_day", "cam_front_door", "front_door", "2026-03-17 10:02:05", "day",
        (Actor("person", 0.75, 6.75, "at_door", outfit=COURIER, y=0.17),
         Actor("parcel", 1.15, 6.4, "at_door", size=(0.42, 0.3, 0.34), y=0.17)),
        "normal", "A courier in a yellow hi-vis vest stands at the front door beside a parcel on the step.",
    ),
    Scene(
        "front_parcel_on_step_day", "cam_front_door", "front_door", "2026-03-17 13:15:42", "day",
        (Actor("parcel", 0.55, 6.45, "at_door", size=(0.5, 0.36, 0.4), y=0.17),),
        "normal", "A cardboard parcel sits on the front step; nobody is in view.",
    ),
    Scene(
        "front_two_parcels_night_ir", "cam_front_door", "front_door", "2026-03-17 21:40:18", "ir",
        (Actor("parcel", 0.3, 6.45, "at_door", size=(0.5, 0.34, 0.4), y=0.17),
         Actor("parcel", 1.0, 6.5, "at_door", size=(0.34, 0.24, 0.3), y=0.17)),
        "normal", "Infrared view of the front step at night with two parcels left on it and nobody around.",
        level_ok=("monitor",), lamps_on=False,
    ),
    Scene(
        "front_visitor_evening", "cam_front_door", "front_door", "2026-03-17 19:48:27", "night",
        (Actor("person", 0.85, 6.7, "at_door", outfit=VISITOR, y=0.17),),
        "normal", "After dark, one person in a green jacket waits at the lit front door.",
        level_ok=("monitor",), conditions_ok=("glare",),
    ),
    Scene(
        "front_hooded_handle_night_ir", "cam_front_door", "front_door", "2026-03-18 02:47:03", "ir",
        (Actor("person", 0.45, 6.7, "at_door", pose="reach", outfit=HOODIE, y=0.17),),
        "suspicious", "At 02:47 a hooded person at the front door reaches for the handle, seen in infrared.",
        level_ok=("critical",), lamps_on=False,
    ),
    Scene(
        "front_two_callers_day", "cam_front_door", "front_door", "2026-03-17 15:10:51", "day",
        (Actor("person", 0.45, 6.7, "at_door", pose="carry", outfit=CANVASSER_A, y=0.17),
         Actor("person", 1.3, 6.6, "at_door", pose="carry", outfit=CANVASSER_B, y=0.17)),
        "normal", "Two people holding clipboards stand together at the front door in daylight.",
        level_ok=("monitor",),
    ),
    Scene(
        "front_empty_day", "cam_front_door", "front_door", "2026-03-18 12:00:14", "day",
        (), "normal", "The front door, step and path in daylight with nobody and nothing in view.",
    ),
    Scene(
        "front_glare_postwoman", "cam_front_door", "front_door", "2026-03-17 08:41:37", "day",
        (Actor("person", 0.9, 6.7, "at_door", outfit=POSTWOMAN, y=0.17),),
        "normal", "Low sun flares into the lens while a person in a red jacket stands at the front door.",
        effects=("glare",), sun=(600.0, 30.0),
    ),
    Scene(
        "front_dirty_lens_walker", "cam_front_door", "front_door", "2026-03-17 16:31:09", "day",
        (Actor("person", 0.3, 4.6, "path", pose="walk", facing="left", outfit=WALKER),),
        "normal", "Through a smudged lens, one person walks along the front path away from the door.",
        level_ok=("monitor",), effects=("dirty_lens",), conditions_ok=("fog",),
    ),
    Scene(
        "front_lurker_hedge_night", "cam_front_door", "front_door", "2026-03-17 23:55:40", "night",
        (Actor("person", -1.9, 5.0, "yard", outfit=HOODIE_GREY),
         Actor("parcel", 0.6, 6.45, "at_door", size=(0.46, 0.32, 0.38), y=0.17)),
        "suspicious", "Near midnight a hooded person half hidden behind the hedge watches a parcel left on the step.",
        level_ok=("critical",), conditions_ok=("glare",),
    ),
    # ------------------------------------------------------------------ driveway and street
    Scene(
        "driveway_family_car_day", "cam_driveway", "driveway", "2026-03-17 09:10:22", "day",
        (Actor("car", 0.7, 4.4, "driveway", view="rear", color="#b9bdc3"),),
        "normal", "A silver estate car is parked nose-in on the driveway on a quiet morning.",
    ),
    Scene(
        "driveway_empty_night_ir", "cam_driveway", "driveway", "2026-03-18 03:30:05", "ir",
        (), "normal", "Infrared view of an empty driveway and street at 03:30.", lamps_on=False,
    ),
    Scene(
        "driveway_peering_car_night_ir", "cam_driveway", "driveway", "2026-03-18 02:49:30", "ir",
        (Actor("car", 0.7, 4.4, "driveway", view="rear", color="#b9bdc3"),
         Actor("person", -0.75, 6.0, "driveway", pose="peer", facing="right", outfit=DARK_B)),
        "suspicious", "A hooded person leans to peer into the window of the car parked on the driveway at night.",
        level_ok=("critical",), lamps_on=False,
    ),
    Scene(
        "driveway_van_headlights_night", "cam_driveway", "driveway", "2026-03-18 01:20:44", "night",
        (Actor("van", 0.6, 12.8, "street", color="#e6e6e2", facing="left", lights=True),),
        "monitor", "An unmarked white van idles in the street across the driveway at 01:20 with its headlights on.",
        level_ok=("suspicious",), effects=("headlights",), conditions_ok=("glare",),
    ),
    Scene(
        "street_three_parked_cars_day", "cam_driveway", "driveway", "2026-03-17 11:45:30", "day",
        (Actor("car", -6.5, 13.0, "street", color="#f0f0ee"),
         Actor("car", 5.2, 13.0, "street", color="#7a1f24", facing="left"),
         Actor("car", 10.5, 16.2, "street", color="#2b3f5e")),
        "normal", "Three cars are parked along the street beyond an empty driveway in daylight.",
    ),
    Scene(
        "driveway_two_cars_day", "cam_driveway", "driveway", "2026-03-17 17:20:13", "day",
        (Actor("car", 0.7, 4.4, "driveway", view="rear", color="#b9bdc3"),
         Actor("car", -5.5, 13.0, "street", color="#f0f0ee")),
        "normal", "The silver estate is parked on the driveway and a white hatchback is parked at the kerb.",
    ),
    Scene(
        "driveway_arrival_rain_night", "cam_driveway", "driveway", "2026-03-17 22:40:02", "night",
        (Actor("car", 0.4, 6.5, "driveway", view="front", color="#b9bdc3", lights=True),),
        "normal", "In heavy rain at night a car with its headlights on pulls into the driveway toward the camera.",
        level_ok=("monitor",), effects=("rain", "headlights"), conditions_ok=("glare",),
    ),
    Scene(
        "street_dog_walker_fog_day", "cam_driveway", "driveway", "2026-03-18 07:50:26", "day",
        (Actor("person", -1.6, 10.8, "pavement", pose="walk", facing="right", outfit=WALKER),
         Actor("dog", -0.7, 10.9, "pavement")),
        "normal", "In thick fog a person walks a small dog along the pavement past the driveway.",
        effects=("fog",),
    ),
    Scene(
        "driveway_group_night_ir", "cam_driveway", "driveway", "2026-03-18 01:05:57", "ir",
        (Actor("person", -0.9, 6.6, "driveway", outfit=DARK),
         Actor("person", 0.3, 7.2, "driveway", outfit=DARK_B),
         Actor("person", 1.5, 6.4, "driveway", outfit=DARK_C, facing="back")),
        "suspicious", "Three people stand together on the driveway at 01:05, seen in infrared.",
        level_ok=("critical",), lamps_on=False,
    ),
    Scene(
        "driveway_courier_van_lowres", "cam_driveway", "driveway", "2026-03-17 10:58:12", "day",
        (Actor("van", -4.5, 13.2, "street", color="#f2f2ee", facing="right"),
         Actor("person", 0.6, 6.2, "driveway", pose="carry", outfit=COURIER_BOX)),
        "normal", "A courier carries a parcel up the driveway from a white van parked in the street (low resolution).",
        effects=("lowres",),
    ),
    # ------------------------------------------------------------------ backyard
    Scene(
        "backyard_dog_day", "cam_backyard", "backyard", "2026-03-17 14:20:33", "day",
        (Actor("dog", -0.8, 5.6, "yard"),),
        "normal", "A small brown-and-white terrier with a green collar stands on the lawn.",
    ),
    Scene(
        "backyard_fox_night_ir", "cam_backyard", "backyard", "2026-03-18 03:12:48", "ir",
        (Actor("fox", 0.8, 4.9, "yard", facing="left"),),
        "normal", "A fox crosses the lawn at night, its eyes shining in the infrared light.", lamps_on=False,
    ),
    Scene(
        "backyard_cat_floodlight_night", "cam_backyard", "backyard", "2026-03-17 23:12:44", "night",
        (Actor("cat", -0.5, 4.6, "yard", facing="right"),),
        "normal", "Under the garden floodlight a black cat walks across the lawn late at night.",
    ),
    Scene(
        "backyard_deer_morning", "cam_backyard", "backyard", "2026-03-18 06:58:15", "day",
        (Actor("deer", -1.0, 8.2, "yard", facing="right"),),
        "normal", "A deer stands on the lawn near the back fence in early morning light.",
    ),
    Scene(
        "backyard_pigeons_day", "cam_backyard", "backyard", "2026-03-17 11:30:09", "day",
        (Actor("bird", -0.6, 4.2, "yard"), Actor("bird", 0.4, 4.6, "yard", facing="left"),
         Actor("bird", 1.1, 4.0, "yard")),
        "normal", "Three pigeons peck at the lawn in daylight.",
    ),
    Scene(
        "backyard_hedgehog_night_ir", "cam_backyard", "backyard", "2026-03-18 00:40:21", "ir",
        (Actor("hedgehog", 0.3, 3.8, "yard"),),
        "normal", "A hedgehog snuffles across the lawn near the patio at night, in infrared.", lamps_on=False,
    ),
    Scene(
        "backyard_fence_climber_floodlight", "cam_backyard", "backyard", "2026-03-18 02:15:36", "night",
        (Actor("person", -1.5, 10.7, "fence", pose="climb", outfit=RESIDENT, y=0.55),),
        "suspicious", "At 02:15, under the garden floodlight, a person climbs over the back fence into the garden.",
        level_ok=("critical",),
    ),
    Scene(
        "backyard_empty_rain_day", "cam_backyard", "backyard", "2026-03-17 16:02:50", "day",
        (), "normal", "Rain falls on an empty garden in the afternoon.", effects=("rain",),
    ),
    # ------------------------------------------------------------------ side gate
    Scene(
        "side_gate_hidden_bins_night_ir", "cam_side_gate", "side_gate", "2026-03-18 02:30:11", "ir",
        (Actor("bin", 0.5, 5.2), Actor("bin", 0.5, 6.0, color="#2b3b5a"),
         Actor("person", 0.3, 6.4, "alley", pose="crouch", outfit=HOODIE)),
        "suspicious", "In the side alley at night a hooded person crouches half hidden behind the wheelie bins.",
        level_ok=("critical",), lamps_on=False,
    ),
    Scene(
        "side_gate_cleaner_day", "cam_side_gate", "side_gate", "2026-03-19 10:00:40", "day",
        (Actor("person", 0.4, 8.3, "at_door", pose="reach", facing="back", outfit=CLEANER),
         Actor("bin", 0.55, 4.6)),
        "normal", "In daylight a person in a blue jacket opens the side gate at the end of the alley.",
        level_ok=("monitor",),
    ),
    Scene(
        "side_gate_empty_dirty_night_ir", "cam_side_gate", "side_gate", "2026-03-18 04:10:29", "ir",
        (Actor("bin", 0.5, 5.0),),
        "normal", "An empty side alley at night through a dirty lens, in infrared.",
        effects=("dirty_lens",), conditions_ok=("fog",), lamps_on=False,
    ),
    # ------------------------------------------------------------------ indoors
    Scene(
        "kitchen_smoke_day", "cam_kitchen", "kitchen", "2026-03-17 18:25:03", "day",
        (), "critical", "Thick grey smoke fills the kitchen from the hob upward; nobody is in view.",
        hazards=("smoke",), hazards_ok=("fire",), smoke_source=(360.0, 230.0),
    ),
    Scene(
        "garage_fire_night", "cam_garage", "garage", "2026-03-18 03:05:17", "night",
        (), "critical", "Flames rise from the workbench in the garage at night.",
        hazards=("fire",), hazards_ok=("smoke",), flame=(520.0, 200.0, 120.0, 150.0), lamps_on=False,
    ),
    Scene(
        "utility_water_leak_day", "cam_utility", "utility", "2026-03-17 11:10:55", "day",
        (Actor("water", -0.9, 3.6, size=(2.6, 1.5)),),
        "monitor", "Water has spread across the utility room floor in front of the washing machine.",
        hazards=("water_leak",), level_ok=("suspicious", "critical"),
    ),
    Scene(
        "living_room_person_down_day", "cam_living_room", "living_room", "2026-03-17 15:40:31", "day",
        (Actor("person", -0.5, 3.2, "indoor_floor", pose="lie", outfit=RESIDENT),),
        "critical", "A person lies motionless on the living-room floor in the afternoon.",
        hazards=("fallen_person",),
    ),
    Scene(
        "living_room_torch_intruder_night_ir", "cam_living_room", "living_room", "2026-03-18 03:20:08", "ir",
        (Actor("person", 0.9, 4.8, "indoor", pose="walk", facing="left", outfit=TORCH),),
        "critical", "At 03:20 a hooded person with a torch walks through the living room, seen in infrared.",
        level_ok=("suspicious",), conditions_ok=("glare",), lamps_on=False,
    ),
    Scene(
        "living_room_empty_day", "cam_living_room", "living_room", "2026-03-18 13:02:45", "day",
        (), "normal", "The living room in daylight, empty and undisturbed.",
    ),
    Scene(
        "living_room_dog_night_ir", "cam_living_room", "living_room", "2026-03-18 04:44:12", "ir",
        (Actor("dog", 0.2, 3.9, "indoor_floor", facing="left"),),
        "normal", "A small dog stands on the living-room rug at night, seen in infrared.", lamps_on=False,
    ),
)
