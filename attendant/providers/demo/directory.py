"""Who works at Harbourview Ltd, the demo company: people, departments, rooms and room lists."""

from __future__ import annotations

from dataclasses import dataclass

from attendant.domain import Mailbox, MailboxKind, RoomList

DOMAIN = "harbourview.example"

_DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "Management": (
        "Eleanor Whitfield",
        "Marcus Adeyemi",
        "Sofia Lindqvist",
    ),
    "Sales": (
        "Daniel Okafor",
        "Chiara Russo",
        "Liam Gallagher",
        "Priya Raman",
        "Tomás Herrera",
        "Hannah Becker",
        "Oliver Brandt",
        "Yuki Tanaka",
    ),
    "Engineering": (
        "Ana Ribeiro",
        "Jonas Weber",
        "Fatima Zahra Benali",
        "Ethan Cole",
        "Mei Lin",
        "Lukas Novak",
        "Grace O'Connor",
        "Rafael Mendes",
        "Noor Haddad",
        "Samuel Price",
    ),
    "Finance": (
        "Margaret Ellis",
        "Giorgio Bianchi",
        "Aisha Khan",
        "Peter Holm",
        "Clara Dubois",
    ),
    "People & Culture": (
        "Isabel Navarro",
        "Kwame Mensah",
        "Ingrid Solberg",
        "Victor Lambert",
    ),
    "Customer Support": (
        "Zoe Martin",
        "Ahmed Farouk",
        "Julia Kowalska",
        "Nathan Reid",
        "Elena Popescu",
        "Mateo Silva",
        "Ruth Abramson",
        "Hugo Laurent",
        "Amara Nwosu",
    ),
}

_ROOM_LISTS: tuple[tuple[str, str, tuple[tuple[str, int, str, str], ...]], ...] = (
    (
        "rooms-ground",
        "HQ Ground floor",
        (
            ("Harbour", 12, "HQ", "0"),
            ("Lighthouse", 6, "HQ", "0"),
            ("Quay", 4, "HQ", "0"),
            ("Boathouse", 20, "HQ", "0"),
        ),
    ),
    (
        "rooms-first",
        "HQ First floor",
        (
            ("Anchor", 8, "HQ", "1"),
            ("Compass", 4, "HQ", "1"),
            ("Tide", 6, "HQ", "1"),
            ("Board room", 16, "HQ", "1"),
        ),
    ),
    (
        "rooms-annex",
        "Annex",
        (
            ("Pier 1", 4, "Annex", "0"),
            ("Pier 2", 4, "Annex", "0"),
            ("Dock", 10, "Annex", "1"),
            ("Focus booth", 1, "Annex", "1"),
        ),
    ),
)


def _slug(name: str) -> str:
    ascii_name = name.lower().replace("á", "a").replace("é", "e").replace("ö", "o").replace("'", "")
    return ".".join(part for part in ascii_name.split() if part)


@dataclass(frozen=True)
class DemoDirectory:
    """The people, rooms and room lists of the demo company."""

    people: tuple[Mailbox, ...]
    room_lists: tuple[RoomList, ...]

    @property
    def rooms(self) -> tuple[Mailbox, ...]:
        return tuple(room for rl in self.room_lists for room in rl.rooms)

    @property
    def mailboxes(self) -> tuple[Mailbox, ...]:
        return (*self.people, *self.rooms)

    @staticmethod
    def company() -> DemoDirectory:
        """Harbourview Ltd as the demo shows it: 39 people, 12 rooms, 3 room lists."""
        people = []
        extension = 200
        for department, names in _DEPARTMENTS.items():
            for name in names:
                extension += 1
                people.append(
                    Mailbox(
                        address=f"{_slug(name)}@{DOMAIN}",
                        name=name,
                        kind=MailboxKind.PERSON,
                        department=department,
                        phone=f"+44 20 7946 0{extension}",
                    )
                )
        room_lists = tuple(
            RoomList(
                address=f"{list_id}@{DOMAIN}",
                name=list_name,
                rooms=tuple(
                    Mailbox(
                        address=f"room.{_slug(room)}@{DOMAIN}",
                        name=room,
                        kind=MailboxKind.ROOM,
                        capacity=capacity,
                        location=f"{building}, floor {floor}",
                        building=building,
                        floor=floor,
                    )
                    for room, capacity, building, floor in rooms
                ),
            )
            for list_id, list_name, rooms in _ROOM_LISTS
        )
        return DemoDirectory(tuple(people), room_lists)

    @staticmethod
    def synthetic(people: int, rooms: int = 0) -> DemoDirectory:
        """A directory of any size, for benchmarks: ``person00042@…`` and ``room0007@…``."""
        firsts = [n.split()[0] for names in _DEPARTMENTS.values() for n in names]
        lasts = [n.split()[-1] for names in _DEPARTMENTS.values() for n in names]
        departments = list(_DEPARTMENTS)
        made = tuple(
            Mailbox(
                address=f"person{i:05d}@{DOMAIN}",
                name=f"{firsts[i % len(firsts)]} {lasts[(i * 7) % len(lasts)]} {i}",
                department=departments[i % len(departments)],
            )
            for i in range(people)
        )
        room_boxes = tuple(
            Mailbox(
                address=f"room{i:04d}@{DOMAIN}",
                name=f"Room {i}",
                kind=MailboxKind.ROOM,
                capacity=4 + i % 12,
                building=("HQ", "Annex")[i % 2],
                floor=str(i % 5),
            )
            for i in range(rooms)
        )
        lists = (RoomList(f"rooms-all@{DOMAIN}", "All rooms", room_boxes),) if rooms else ()
        return DemoDirectory(made, lists)
