"""The header words of the CSV files admins import: their own lists and directory exports.

An admin's list says ``Name, Email, Phone``; Outlook's contact export says ``First Name``,
``Last Name``, ``E-mail Address``, ``Business Phone``, ``Mobile Phone``, ``Department``,
``Job Title``; Entra ID's "Download users" says ``userPrincipalName``, ``displayName``,
``mail``, ``jobTitle``, ``department``, ``telephoneNumber``, ``mobilePhone``; Exchange's
``Get-Mailbox | Export-Csv`` says ``PrimarySmtpAddress``, ``DisplayName``,
``RecipientTypeDetails`` (``RoomMailbox`` for a room) and ``ResourceCapacity``; ``Get-Place``
says ``Capacity``, ``Building``, ``Floor``. Headers are compared in lower case without spaces,
dashes and underscores; where several headers could fill one column, the one listed first
wins (``Job Title`` over ``Title``, which Outlook uses for Mr or Ms; ``mail`` over
``userPrincipalName``, which is the address only where no mail is given).
"""

from __future__ import annotations

#: Header words for each column, best first.
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "name": ("name", "displayname", "fullname", "person"),
    "first_name": ("firstname", "givenname"),
    "last_name": ("lastname", "surname", "sn", "familyname"),
    "email": (
        "email",
        "mail",
        "emailaddress",
        "primarysmtpaddress",
        "windowsemailaddress",
        "smtpaddress",
        "smtp",
        "address",
        "emailaddresses",
    ),
    "upn": ("userprincipalname", "upn"),
    "department": ("department", "dept", "team", "office"),
    "phone": (
        "phone",
        "businessphone",
        "businessphones",
        "telephonenumber",
        "telephone",
        "officephone",
        "workphone",
        "phonenumber",
        "extension",
        "ext",
        "tel",
    ),
    "mobile": ("mobile", "mobilephone", "mobilenumber", "cellphone", "cell", "mobiletelephone"),
    "job_title": ("jobtitle", "title", "position", "role"),
    "capacity": ("capacity", "resourcecapacity", "seats"),
    "building": ("building",),
    "floor": ("floor", "floorlabel", "floornumber"),
    "kind": ("recipienttypedetails", "recipienttype", "kind", "type", "mailboxtype"),
    "group": ("group", "boardgroup"),
}
#: Columns only a room has; a file with one of them and none of the people's is a room list.
ROOM_COLUMNS = frozenset({"capacity", "building", "floor"})
PERSON_COLUMNS = frozenset(
    {"phone", "mobile", "department", "job_title", "first_name", "last_name"}
)
#: What a kind column says of a room (Exchange: RoomMailbox; Graph places: room).
ROOM_KINDS = frozenset({"roommailbox", "room", "conferenceroom", "meetingroom"})


def normalised(cell: str) -> str:
    """``E-mail Address`` -> ``emailaddress``: lower case, letters and digits only."""
    return "".join(char for char in cell.lower() if char.isalnum())


def header_columns(cells: list[str]) -> dict[str, int] | None:
    """Column positions by column name when ``cells`` is a header row, else None."""
    if any("@" in cell for cell in cells):
        return None
    words = [normalised(cell) for cell in cells]
    columns: dict[str, int] = {}
    for column, aliases in HEADER_WORDS.items():
        for alias in aliases:
            if alias in words and words.index(alias) not in columns.values():
                columns[column] = words.index(alias)
                break
    return columns or None


def is_room_kind(value: str) -> bool:
    return normalised(value) in ROOM_KINDS
