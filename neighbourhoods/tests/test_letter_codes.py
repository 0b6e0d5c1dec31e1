"""Letter codes: staff import the addresses entitled to take part and issue one code per
address once; a resident enters the code once and is shown to live in its neighbourhood."""

import csv
import io
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from accounts.models import Role
from accounts.tests.factories import UserFactory, signed_in_colleague
from neighbourhoods import actions, letter_codes
from neighbourhoods.models import AddressList, LetterCode, Residence
from neighbourhoods.tests.factories import NeighbourhoodFactory, ResidenceFactory
from privacy.models import AuditEntry
from tests.concurrency import run_together

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    """The pages in English (the language switch's cookie), the messages too."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


IMPORT_URL = "admin:neighbourhoods_addresslist_add"


def address_file(rows: list[str], header: str = "postcode;house_number;addition;neighbourhood"):
    return SimpleUploadedFile(
        "adressen.csv", ("\ufeff" + "\n".join([header, *rows]) + "\n").encode(), "text/csv"
    )


def imported_list(neighbourhood, count: int = 3) -> AddressList:
    parsed = letter_codes.parse(
        "\n".join(
            ["postcode,house_number,addition,neighbourhood"]
            + [f"9712CP,{n},,{neighbourhood.cbs_code}" for n in range(1, count + 1)]
        ).encode(),
        [neighbourhood],
    )
    return actions.import_addresses(parsed=parsed, file_name="adressen.csv")


def issued_codes(neighbourhood, count: int = 3) -> list[str]:
    address_list = imported_list(neighbourhood, count)
    return [code for _row, code in actions.issue_letter_codes(address_list=address_list, by=None)]


@pytest.fixture
def area(db):
    return NeighbourhoodFactory(name="Oosterpoort", cbs_code="WK001401")


@pytest.fixture
def manager(client, area):
    user = signed_in_colleague(client, Role.AREA_MANAGER)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # signing in chose Dutch
    area.area_manager = user
    area.save()
    return user


def test_parse_reads_semicolons_commas_names_and_codes(area):
    parsed = letter_codes.parse(
        b"postcode;huisnummer;toevoeging;wijk\n9712 cp;1;;WK001401\n9712CP;1;a;oosterpoort\n",
        [area],
    )
    assert parsed.errors == []
    assert [(a.postcode, a.house_number, a.addition) for a in parsed.addresses] == [
        ("9712CP", 1, ""),
        ("9712CP", 1, "A"),
    ]


def test_parse_names_every_bad_row_with_its_line(area):
    other = NeighbourhoodFactory(cbs_code="WK001402")
    parsed = letter_codes.parse(
        "\n".join(
            [
                "postcode,house_number,addition,neighbourhood",
                "9712CP,1,,WK001401",
                "12345,1,,WK001401",  # not a postcode
                "9712CP,een,,WK001401",  # not a number
                "9712CP,2,!!,WK001401",  # not an addition
                f"9712CP,3,,{other.cbs_code}",  # not one of the allowed neighbourhoods
                "9712CP,1,,WK001401",  # twice
                "9712CP,4,,WK001401,extra",
            ]
        ).encode(),
        [area],
    )
    assert [line for line, _message in parsed.errors] == [3, 4, 5, 6, 7, 8]
    assert "line 2 already" in parsed.errors[4][1]
    assert letter_codes.parse(b"postcode,neighbourhood\n", [area]).errors[0][0] == 1
    assert letter_codes.parse("é".encode("latin-1"), [area]).errors[0][0] == 1
    assert letter_codes.parse(b"postcode,house_number,neighbourhood\n", [area]).errors


def test_staff_import_addresses_all_or_nothing(client, manager, area):
    url = reverse(IMPORT_URL)
    bad = client.post(url, {"file": address_file(["9712CP;1;;WK001401", "9712CP;x;;WK001401"])})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "Line 3" in body
    assert 'id="id_file_error"' in body
    assert not AddressList.objects.exists()
    assert not LetterCode.objects.exists()

    good = client.post(url, {"file": address_file(["9712CP;1;;WK001401", "9712CP;3;A;WK001401"])})
    address_list = AddressList.objects.get()
    assert good.url == reverse("admin:neighbourhoods_addresslist_issue", args=[address_list.pk])
    assert (address_list.addresses, address_list.imported_by) == (2, manager)
    assert LetterCode.objects.filter(code_hash="").count() == 2  # not yet issued


def test_an_area_manager_imports_only_addresses_of_their_own_neighbourhoods(client, manager):
    elsewhere = NeighbourhoodFactory(cbs_code="WK001409")
    response = client.post(
        reverse(IMPORT_URL), {"file": address_file([f"9712CP;1;;{elsewhere.cbs_code}"])}
    )
    assert response.status_code == 400
    assert "not one you can import addresses for" in response.content.decode()
    assert not AddressList.objects.exists()


def test_codes_are_issued_once_as_csv_and_only_their_hash_is_kept(client, manager, area):
    address_list = imported_list(area, count=3)
    url = reverse("admin:neighbourhoods_addresslist_issue", args=[address_list.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"output": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["house_number"] for row in rows] == ["1", "2", "3"]
    assert {row["neighbourhood"] for row in rows} == {"Oosterpoort"}
    codes = [row["code"] for row in rows]
    assert all(letter_codes.looks_like_a_code(code) for code in codes)
    stored = set(LetterCode.objects.values_list("code_hash", flat=True))
    assert stored == {letter_codes.code_hash(code) for code in codes}
    assert not any(code.replace("-", "") in hashed for code in codes for hashed in stored)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORTED)
    assert (entry.actor, entry.target_id) == (manager, str(address_list.pk))

    # Not a second time: the codes cannot be shown again.
    again = client.post(url, {"output": "csv"})
    assert again.status_code == 400
    assert "issued already" in again.content.decode()


def test_codes_are_issued_once_as_pdf_letters_one_page_per_address(client, manager, area):
    address_list = imported_list(area, count=3)
    url = reverse("admin:neighbourhoods_addresslist_issue", args=[address_list.pk])
    response = client.post(url, {"output": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].endswith(f'letter-codes-{address_list.pk}.pdf"')
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 3
    pages = [page.extract_text() for page in reader.pages]
    codes = [re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", text)[0] for text in pages]
    assert len(set(codes)) == 3
    stored = set(LetterCode.objects.values_list("code_hash", flat=True))
    assert stored == {letter_codes.code_hash(code) for code in codes}
    for number, text in enumerate(pages, start=1):
        # Dutch, whatever the colleague's language: address, neighbourhood, where, until.
        assert f"9712 CP {number}" in text
        assert "Aan de bewoners van" in text
        assert "Oosterpoort" in text
        assert "http://testserver/mijn/woonplaats/" in text
        assert "nieuwe brief" in text
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORTED)
    assert (entry.actor, entry.target_id) == (manager, str(address_list.pk))
    assert "(pdf): 3" in entry.summary
    # Once only, like the CSV: the codes are not shown again.
    again = client.post(url, {"output": "pdf"})
    assert again.status_code == 400
    assert "issued already" in again.content.decode()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORTED).count() == 1


def test_issuing_again_voids_the_letters_sent_before(client, manager, area):
    address_list = imported_list(area, count=2)
    first = [code for _row, code in actions.issue_letter_codes(address_list=address_list, by=None)]
    url = reverse("admin:neighbourhoods_addresslist_issue", args=[address_list.pk])
    response = client.post(url, {"output": "print", "again": "on"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "portal/letters.css" in page
    assert page.count('class="letter"') == 2
    resident = UserFactory()
    with translation.override("en"), pytest.raises(actions.LetterCodeError, match="do not know"):
        actions.redeem_letter_code(user=resident, code=first[0])


def test_a_newer_list_voids_an_older_unused_code_for_the_same_address(area):
    old = issued_codes(area, count=1)[0]
    new = issued_codes(area, count=1)[0]
    with pytest.raises(actions.LetterCodeError):
        actions.redeem_letter_code(user=UserFactory(), code=old)
    assert actions.redeem_letter_code(user=UserFactory(), code=new).neighbourhood == area


def test_the_stored_hash_is_keyed_with_the_verification_key(settings):
    """A plain SHA-256 of a 59-bit code could be searched from a copy of the database
    alone; the stored hash needs the key, which is not in the database."""
    import hashlib

    code = letter_codes.new_code()
    stored = letter_codes.code_hash(code)
    assert stored != hashlib.sha256(letter_codes.normalise(code).encode()).hexdigest()
    assert letter_codes.code_hash(code.lower().replace("-", " ")) == stored
    settings.PORTAL_VERIFICATION_KEY = "another-key-0123456789-abcdefghijklmnop"
    assert letter_codes.code_hash(code) != stored


def test_issuing_an_older_list_again_leaves_a_newer_lists_codes_working(area):
    older = imported_list(area, count=1)
    actions.issue_letter_codes(address_list=older, by=None)
    newer_code = issued_codes(area, count=1)[0]
    actions.issue_letter_codes(address_list=older, by=None, again=True)
    assert actions.redeem_letter_code(user=UserFactory(), code=newer_code).neighbourhood == area


def test_another_areas_manager_cannot_issue_or_open_the_list(client, area):
    address_list = imported_list(area)
    other = NeighbourhoodFactory()
    colleague = signed_in_colleague(client, Role.AREA_MANAGER)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    other.area_manager = colleague
    other.save()
    url = reverse("admin:neighbourhoods_addresslist_issue", args=[address_list.pk])
    for output in ("csv", "pdf", "print"):
        assert client.post(url, {"output": output}).status_code == 302
    change = client.get(reverse("admin:neighbourhoods_addresslist_change", args=[address_list.pk]))
    assert change.status_code == 302
    assert not AddressList.objects.filter(issued_at__isnull=False).exists()
    listing = client.get(reverse("admin:neighbourhoods_addresslist_changelist"))
    assert "adressen.csv" not in listing.content.decode()


def test_a_resident_without_the_role_gets_no_back_office(client, area):
    client.force_login(UserFactory())
    assert client.get(reverse(IMPORT_URL)).status_code == 302


def test_resident_enters_the_code_and_lives_there(client, area):
    code = issued_codes(area, 1)[0]
    resident = UserFactory()
    client.force_login(resident)
    url = reverse("verification:start")
    response = client.post(url, {"code": code.lower().replace("-", " "), "next": "/wijken/"})
    assert response.url == "/wijken/"
    residence = Residence.objects.get(user=resident)
    assert (residence.neighbourhood, residence.method) == (area, "letter_code")
    assert LetterCode.objects.get().used
    assert "Oosterpoort" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("ABCD-EFGH-JKMN", "We do not know this code"),  # forged
        ("ABCD", "twelve letters and digits"),
        ("ABCD-EFGH-JKM0", "twelve letters and digits"),  # 0 is not in the alphabet
        ("", "This field is required"),
    ],
)
def test_a_bad_code_is_refused_beside_the_field(client, area, typed, message):
    issued_codes(area, 1)
    client.force_login(UserFactory())
    response = client.post(reverse("verification:start"), {"code": typed})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_code_error"' in body
    assert message in body
    assert not Residence.objects.exists()
    assert not LetterCode.objects.filter(used=True).exists()


def test_a_used_code_is_refused_for_a_second_account(client, area):
    code = issued_codes(area, 1)[0]
    first = UserFactory()
    actions.redeem_letter_code(user=first, code=code)
    client.force_login(UserFactory())
    response = client.post(reverse("verification:start"), {"code": code})
    assert response.status_code == 400
    assert "used already" in response.content.decode()
    assert list(Residence.objects.values_list("user", flat=True)) == [first.pk]


def test_a_visitor_is_asked_to_sign_in(client, area):
    code = issued_codes(area, 1)[0]
    response = client.post(reverse("verification:start"), {"code": code})
    assert response.status_code == 302
    assert "/account/login/" in response.url
    assert not LetterCode.objects.filter(used=True).exists()


def test_an_unsafe_next_is_not_followed(client, area):
    code = issued_codes(area, 1)[0]
    client.force_login(UserFactory())
    response = client.post(
        reverse("verification:start"), {"code": code, "next": "https://evil.example/"}
    )
    assert response.url == reverse("verification:start")


def test_guessing_codes_is_rate_limited(client, area, settings):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "letter_code": "3/h"}
    client.force_login(UserFactory())
    url = reverse("verification:start")
    statuses = [client.post(url, {"code": "ABCD-EFGH-JKMN"}).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]


def test_moving_replaces_the_residence(area):
    resident = ResidenceFactory().user
    actions.redeem_letter_code(user=resident, code=issued_codes(area, 1)[0])
    assert Residence.objects.get(user=resident).neighbourhood == area


def test_the_address_list_page_counts_used_codes_in_constant_queries(client, manager, area):
    one = imported_list(area, 1)
    url = reverse("admin:neighbourhoods_addresslist_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        imported_list(area, 4)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few)
    change = client.get(reverse("admin:neighbourhoods_addresslist_change", args=[one.pk]))
    assert "Oosterpoort" in change.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_code_verifies_one_account_under_concurrent_requests():
    from django.test import Client

    area = NeighbourhoodFactory()
    code = issued_codes(area, 1)[0]
    clients = []
    for _ in range(8):
        client = Client()
        client.force_login(UserFactory())
        clients.append(client)
    url = reverse("verification:start")
    statuses = run_together([lambda c=c: c.post(url, {"code": code}).status_code for c in clients])
    assert sorted(statuses) == [302] + [400] * 7
    assert Residence.objects.count() == 1
    assert LetterCode.objects.get().used


def test_a_used_code_forgets_its_address_and_stays_unusable(area):
    codes = issued_codes(area, 2)
    actions.redeem_letter_code(user=UserFactory(), code=codes[0])
    used = LetterCode.objects.get(used=True)
    assert (used.postcode, used.house_number, used.addition) == ("", None, "")
    assert used.address == ""
    assert used.neighbourhood == area
    assert used.code_hash == letter_codes.code_hash(codes[0])
    with pytest.raises(actions.LetterCodeError, match="used already"):
        actions.redeem_letter_code(user=UserFactory(), code=codes[0])
    # The unused code keeps its address, for a letter issued again.
    assert LetterCode.objects.get(used=False).postcode
    actions.redeem_letter_code(user=UserFactory(), code=codes[1])
    # A list whose codes are all used holds no address at all.
    assert not LetterCode.objects.exclude(postcode="").exists()
    assert not LetterCode.objects.filter(house_number__isnull=False).exists()
    # Issuing the list again issues nothing for used codes; the counts stay.
    address_list = AddressList.objects.get()
    assert actions.issue_letter_codes(address_list=address_list, by=None, again=True) == []
    assert address_list.codes.filter(used=True).count() == 2


def test_the_database_refuses_a_used_code_with_an_address(area):
    issued_codes(area, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        LetterCode.objects.update(used=True)
    assert not LetterCode.objects.filter(used=True).exists()
