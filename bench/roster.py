"""A seeded synthetic roster with realistic variety: zones, levels, run weeks, equipment, 8-16 weeks."""

from __future__ import annotations

import random

ZONES = ["America/New_York", "America/Los_Angeles", "America/Sao_Paulo", "Europe/Berlin", "Europe/London", "Africa/Nairobi",
         "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland", "Pacific/Chatham"]
WEEKS = [
    "mon:easy;wed:intervals;sat:long",
    "mon:easy;tue:intervals;wed:recovery;thu:tempo;sat:easy;sun:long",
    "tue:easy;thu:tempo;sun:long",
    "mon:recovery;wed:easy;fri:intervals;sun:long",
    "mon:cross-training;tue:easy;thu:intervals;sat:long",
    "mon:easy;wed:easy;fri:easy;sun:long",
]
EQUIPMENT = ["", "mat;wall;chair", "band;mat;wall", "band;bench;step;mat;wall;chair"]
HEADER = "id,name,time_zone,start_date,weeks,level,runs,sessions_per_week,extras,equipment,start_time,start_times,run_minutes,minutes"


def rows(n: int, seed: int = 7):
    rng = random.Random(seed)
    for i in range(n):
        level = rng.choice(["new", "returning", "experienced"])
        runs = rng.choice(WEEKS)
        per_week = 3 if runs.count(":") >= 4 and rng.random() < 0.6 else 2
        extras = ";".join(e for e in ("activation", "mobility", "add_on") if rng.random() < 0.4)
        yield (f"athlete-{i:06d},Athlete {i},{rng.choice(ZONES)},2027-0{rng.randint(1, 9)}-{rng.randint(10, 28)},{rng.randint(8, 16)},"
               f"{level},{runs},{per_week},{extras},{rng.choice(EQUIPMENT)},{rng.randint(5, 19):02d}:{rng.choice(['00', '30'])},,"
               f"{rng.choice([30, 45, 60])},15-{rng.choice([20, 22, 25])}")


def write(path, n: int, seed: int = 7) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEADER + "\n")
        for row in rows(n, seed):
            f.write(row + "\n")
