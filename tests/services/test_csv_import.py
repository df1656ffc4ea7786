"""Importing people from CSV: separators, header rows, bad rows by line number, encodings."""

from __future__ import annotations

from pathlib import Path

import pytest

from attendant.domain import WatchEntry
from attendant.services.csv_import import (
    CsvUnreadable,
    ImportedPerson,
    parse_people_csv,
    read_people_csv,
)


def test_a_headerless_comma_file_in_the_documented_column_order() -> None:
    result = parse_people_csv(
        "Alice Example,alice@contoso.com,Finance,+39 06 1234\r\n"
        "Bob Builder,bob@contoso.com,Facilities,\r\n"
    )
    assert result.people == (
        ImportedPerson(1, "alice@contoso.com", "Alice Example", "Finance", "+39 06 1234"),
        ImportedPerson(2, "bob@contoso.com", "Bob Builder", "Facilities", ""),
    )
    assert result.problems == ()
    assert (result.has_header, result.delimiter) == (False, ",")


def test_semicolons_a_header_in_any_order_and_quoted_commas() -> None:
    result = parse_people_csv(
        "E-mail;Phone;Name;Department\n"
        'carol@contoso.com;1234;"Private, Carol";Legal\n'
        "\n"
        "dave@contoso.com;;Dave;\n"
    )
    assert (result.has_header, result.delimiter) == (True, ";")
    assert [(p.line, p.email, p.name, p.phone, p.department) for p in result.people] == [
        (2, "carol@contoso.com", "Private, Carol", "1234", "Legal"),
        (4, "dave@contoso.com", "Dave", "", ""),
    ]


def test_bad_rows_are_reported_by_line_and_the_good_ones_imported() -> None:
    result = parse_people_csv(
        "name,email,department,phone\n"  # 1
        "Alice,alice@contoso.com,,\n"  # 2
        "Bob,bob at contoso,,\n"  # 3: not an address
        "Nobody,,,\n"  # 4: no address
        "Example, Alice,alice2@contoso.com,Finance,1,extra\n"  # 5: unquoted comma -> too many
        "Alice again,ALICE@contoso.com,,\n"  # 6: repeats line 2 (case-insensitive)
        '"Multi\nline",erin@contoso.com,,\n'  # 7-8: a quoted line break
        "Frank,frank@contoso.com,,\n"  # 9
    )
    assert [(p.line, p.email) for p in result.people] == [
        (2, "alice@contoso.com"),
        (7, "erin@contoso.com"),
        (9, "frank@contoso.com"),
    ]
    assert [(p.line, p.message.split(" (got")[0]) for p in result.problems] == [
        (3, "is not an e-mail address like name@contoso.com"),
        (4, "no e-mail address"),
        (5, "has 6 columns, expected at most 4 (as many as the header); a comma inside a "
         "name needs quotes"),
        (6, "ALICE@contoso.com repeats line 2; skipped"),
    ]  # fmt: skip
    assert str(result.problems[1]) == "line 4: no e-mail address"


def test_too_many_columns_without_a_header() -> None:
    result = parse_people_csv("Example, Alice,alice@contoso.com,Finance,1234\n")
    assert [str(p) for p in result.problems] == [
        "line 1: has 5 columns, expected at most 4 (name, email, department, phone); a comma "
        "inside a name needs quotes"
    ]


def test_a_plain_list_of_addresses() -> None:
    result = parse_people_csv("alice@contoso.com\nbob@contoso.com\n")
    assert [p.email for p in result.people] == ["alice@contoso.com", "bob@contoso.com"]
    assert result.people[0].label == "alice@contoso.com"


def test_a_header_without_an_email_column_imports_nothing() -> None:
    result = parse_people_csv("name,department\nAlice,Finance\n")
    assert result.people == ()
    assert [str(p) for p in result.problems] == [
        "line 1: the header names no e-mail column (email)"
    ]


def test_new_addresses_skips_those_already_watched() -> None:
    result = parse_people_csv("A,a@contoso.com\nB,b@contoso.com\n")
    assert result.new_addresses(("A@Contoso.com",)) == ("b@contoso.com",)


def test_files_in_utf8_with_bom_and_in_windows_1252(tmp_path: Path) -> None:
    utf8 = tmp_path / "utf8.csv"
    utf8.write_bytes("\ufeffname;email\nJosé;jose@contoso.com\n".encode())
    result = read_people_csv(utf8)
    assert [(p.name, p.email) for p in result.people] == [("José", "jose@contoso.com")]
    assert (result.encoding, result.has_header) == ("utf-8", True)

    ansi = tmp_path / "ansi.csv"
    ansi.write_bytes("Zoë;zoe@contoso.com\n".encode("cp1252"))
    result = read_people_csv(ansi)
    assert [(p.name, p.email) for p in result.people] == [("Zoë", "zoe@contoso.com")]
    assert result.encoding == "cp1252"


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(CsvUnreadable, match="cannot be read"):
        read_people_csv(tmp_path / "missing.csv")
    binary = tmp_path / "sheet.xlsx"
    binary.write_bytes(b"PK\x03\x04\0\0binary")
    with pytest.raises(CsvUnreadable, match="not a text file"):
        read_people_csv(binary)


def test_an_empty_file_imports_nothing() -> None:
    result = parse_people_csv("")
    assert (result.people, result.problems) == ((), ())


# -- exports of Outlook, Entra ID and Exchange ---------------------------------------------


def test_an_outlook_contact_export_brings_phones_department_and_job_title(tmp_path: Path) -> None:
    outlook = tmp_path / "contacts.csv"
    outlook.write_bytes(
        (
            '"Title","First Name","Middle Name","Last Name","Company","Department","Job Title",'
            '"Business Phone","Business Phone 2","Mobile Phone","E-mail Address","E-mail Type",'
            '"E-mail Display Name"\r\n'
            '"Ms.","Zoë","","Quinn","Contoso","Sales","Account manager","+39 06 5550101","",'
            '"+39 333 5550101","zoe.quinn@contoso.com","SMTP","Zoë Quinn (zoe.quinn@contoso.com)"'
            "\r\n"
            '"","Bruno","","","Contoso","","","","","","bruno@contoso.com","SMTP",""\r\n'
        ).encode("cp1252")  # classic Outlook writes the ANSI code page
    )
    result = read_people_csv(outlook)
    assert (result.encoding, result.delimiter, result.problems) == ("cp1252", ",", ())
    assert [p.entry for p in result.people] == [
        WatchEntry(
            "zoe.quinn@contoso.com",
            name="Zoë Quinn",
            phone="+39 06 5550101",
            mobile="+39 333 5550101",
            department="Sales",
            job_title="Account manager",  # not "Ms.": Job Title wins over Title
        ),
        WatchEntry("bruno@contoso.com", name="Bruno"),
    ]


def test_an_entra_id_user_download_uses_mail_then_the_user_principal_name(tmp_path) -> None:
    entra = tmp_path / "exportUsers.csv"
    entra.write_bytes(
        "\ufeffuserPrincipalName,displayName,surname,mail,givenName,objectId,userType,jobTitle,"
        "department,accountEnabled,officeLocation,telephoneNumber,mobilePhone\n"
        "anna.b@contoso.onmicrosoft.com,Anna Becker,Becker,anna.becker@contoso.com,Anna,"
        "1f0e,Member,Controller,Finance,True,HQ 2,+39 06 5550100,+39 333 5550100\n"
        "carlo@contoso.com,Carlo Rossi,Rossi,,Carlo,2a1b,Member,,,True,,,\n".encode()
    )
    result = read_people_csv(entra)
    assert (result.encoding, result.has_header) == ("utf-8", True)
    assert [p.entry for p in result.people] == [
        WatchEntry(
            "anna.becker@contoso.com",
            name="Anna Becker",
            phone="+39 06 5550100",
            mobile="+39 333 5550100",
            department="Finance",
            job_title="Controller",
        ),
        WatchEntry("carlo@contoso.com", name="Carlo Rossi"),
    ]


def test_an_exchange_mailbox_export_in_utf16_sorts_rooms_from_people(tmp_path: Path) -> None:
    export = tmp_path / "mailboxes.csv"
    export.write_bytes(
        (
            "#TYPE Selected.Microsoft.Exchange.Data.Directory.Management.Mailbox\r\n"
            '"DisplayName","PrimarySmtpAddress","RecipientTypeDetails","ResourceCapacity",'
            '"Office"\r\n'
            '"Dario Verdi","dario@contoso.com","UserMailbox","","Legal"\r\n'
            '"Room 6","room.6@contoso.com","RoomMailbox","12",""\r\n'
            '"Room 7","room.7@contoso.com","RoomMailbox","twelve",""\r\n'
        ).encode("utf-16")  # PowerShell's Export-Csv -Encoding Unicode: UTF-16 with a BOM
    )
    result = read_people_csv(export)
    assert result.encoding == "utf-16"
    assert [p.entry for p in result.people] == [
        WatchEntry("dario@contoso.com", name="Dario Verdi", department="Legal")
    ]
    assert [r.entry for r in result.rooms] == [
        WatchEntry("room.6@contoso.com", name="Room 6", capacity=12)
    ]
    assert [str(p) for p in result.problems] == [
        "line 5: capacity 'twelve' is not a whole number of seats"
    ]  # the line in the file, the #TYPE line counted
    assert result.new_room_entries(("ROOM.6@contoso.com",)) == ()


def test_a_room_list_by_columns_and_excel_unicode_text_with_tabs(tmp_path: Path) -> None:
    rooms = tmp_path / "rooms.txt"
    text = (
        "Name\tEmail\tCapacity\tBuilding\tFloor\n"
        "Room 4\troom.4@contoso.com\t8\tHQ\t2\n"
        "Annex\troom.annex@contoso.com\t\tAnnex\tGround\n"
    )
    rooms.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))  # Excel's "Unicode text"
    result = read_people_csv(rooms)
    assert (result.delimiter, result.people, result.problems) == ("\t", (), ())
    assert [r.entry for r in result.rooms] == [
        WatchEntry("room.4@contoso.com", name="Room 4", capacity=8, building="HQ", floor="2"),
        WatchEntry("room.annex@contoso.com", name="Annex", building="Annex", floor="Ground"),
    ]


def test_excel_sep_line_names_the_separator() -> None:
    result = parse_people_csv("sep=,\nName,Mobile,Email\nZoe; Q,+39 333,zoe@contoso.com\n")
    assert result.delimiter == ","
    assert [(p.line, p.name, p.mobile) for p in result.people] == [(3, "Zoe; Q", "+39 333")]


def test_a_detail_longer_than_the_settings_take_is_shortened_not_refused() -> None:
    result = parse_people_csv(f"email,job title\nzoe@contoso.com,{'x' * 500}\n")
    assert result.problems == ()
    assert result.people[0].entry.job_title == "x" * 200
