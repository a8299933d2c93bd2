"""Staff as people (SPEC §12): one `people` row per normalised name; role assignments belong to a person and are
ended (`end-staff`) or deleted when entered by mistake (kept, marked, counted nowhere)."""

from __future__ import annotations

from datetime import date, datetime, timezone

from ..dates import parse_iso
from ..models import Assignment, Person
from ..names import name_key

_SELECT = ("SELECT a.id, p.name, a.role, a.hours, a.from_date, a.until_date, a.reduced_hours, a.person_id, "
           "a.deleted_at, a.deleted_reason FROM staff_assignments a JOIN people p ON p.id = a.person_id")


class StaffQueries:
    def find_person(self, name: str) -> Person | None:
        """The person of a name, compared after the name rule (SPEC §3)."""
        key = name_key(name)
        row = self.conn.execute("SELECT id, name FROM people WHERE name = ?", (key,)).fetchone() if key else None
        return Person(*row) if row else None

    def ensure_person(self, name: str) -> tuple[Person, bool]:
        """The person of `name`, added when new; and whether it was added."""
        found = self.find_person(name)
        if found is not None:
            return found, False
        key = name_key(name)
        person_id = self.conn.execute("INSERT INTO people (name) VALUES (?)", (key,)).lastrowid
        return Person(person_id, key), True

    def load_people(self) -> list[Person]:
        return [Person(*row) for row in self.conn.execute("SELECT id, name FROM people ORDER BY name")]

    def staff_names(self) -> set[str]:
        """Names of the people with at least one assignment not deleted (whom a contact may name)."""
        return {row[0] for row in self.conn.execute(
            "SELECT DISTINCT p.name FROM people p JOIN staff_assignments a ON a.person_id = p.id "
            "WHERE a.deleted_at IS NULL")}

    def insert_assignment(self, assignment: Assignment) -> int:
        person, _added = self.ensure_person(assignment.name)
        cur = self.conn.execute(
            "INSERT INTO staff_assignments (person_id, role, hours, from_date, until_date, reduced_hours) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (person.id, assignment.role, assignment.hours, _iso(assignment.from_date), _iso(assignment.until_date),
             int(assignment.reduced_hours)),
        )
        self.audit("add-staff", None, f"staff:{cur.lastrowid}")
        return cur.lastrowid

    def load_assignments(self, deleted: bool = False) -> list[Assignment]:
        """Assignments by person name, role and id; deleted ones only with `deleted`."""
        where = "" if deleted else " WHERE a.deleted_at IS NULL"
        rows = self.conn.execute(_SELECT + where + " ORDER BY p.name, a.role, a.id").fetchall()
        return [assignment_from_row(r) for r in rows]

    def load_assignment(self, assignment_id: int) -> Assignment | None:
        row = self.conn.execute(_SELECT + " WHERE a.id = ?", (assignment_id,)).fetchone()
        return assignment_from_row(row) if row else None

    def end_assignment(self, assignment: Assignment, until: date) -> None:
        self.conn.execute("UPDATE staff_assignments SET until_date = ? WHERE id = ?", (until.isoformat(), assignment.id))
        self.audit("end-staff", None, f"staff:{assignment.id}", old={"until": _iso(assignment.until_date)},
                   new={"until": until.isoformat()})

    def delete_assignment(self, assignment: Assignment, reason: str) -> None:
        at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.conn.execute("UPDATE staff_assignments SET deleted_at = ?, deleted_reason = ? WHERE id = ?",
                          (at, reason, assignment.id))
        self.audit("delete-staff", None, f"staff:{assignment.id}", old=assignment_record(assignment), reason=reason)


def assignment_from_row(r: tuple) -> Assignment:
    return Assignment(id=r[0], name=r[1], role=r[2], hours=r[3], from_date=parse_iso(r[4]),
                      until_date=parse_iso(r[5]), reduced_hours=bool(r[6]), person_id=r[7], deleted_at=r[8],
                      deleted_reason=r[9])


def assignment_record(a: Assignment) -> dict:
    return {"name": a.name, "role": a.role, "hours": a.hours, "from": _iso(a.from_date), "until": _iso(a.until_date),
            "reduced_hours": a.reduced_hours}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
