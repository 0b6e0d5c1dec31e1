"""What residents do on the portal: start, check, submit, support, comment, report."""

from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.tests.factories import UserFactory
from initiatives import actions
from initiatives.models import Attachment, Comment, Initiative, Status, Support, SupportKind
from initiatives.tests.conftest import make_image, make_pdf
from initiatives.tests.factories import CommentFactory, InitiativeFactory

pytestmark = pytest.mark.django_db


def form_data(neighbourhood, theme, /, **overrides) -> dict:
    data = {
        "title": "Speeltuin opknappen",
        "summary": "De speeltuin aan de Parkweg is versleten.",
        "description": "We willen nieuwe toestellen en een bankje voor ouders.",
        "neighbourhood": neighbourhood.pk,
        "theme": theme.pk,
        "address": "Parkweg 12",
        "latitude": "52.150000",
        "longitude": "5.380000",
        "support_kinds": [
            str(pk)
            for pk in SupportKind.objects.filter(code__in=["money", "materials"]).values_list(
                "pk", flat=True
            )
        ],
        "amount_requested": "2500",
        "co_initiator_emails": "",
    }
    data.update(overrides)
    return data


def test_resident_saves_draft_previews_and_submits(client, resident, neighbourhood, theme):
    client.force_login(resident)
    data = form_data(neighbourhood, theme, images=[make_image()], documents=[make_pdf()])
    response = client.post(reverse("initiatives:create"), data)
    initiative = Initiative.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("initiatives:preview", args=[initiative.pk])
    assert initiative.status == Status.DRAFT
    assert initiative.initiator == resident
    assert set(initiative.support_kinds.values_list("code", flat=True)) == {"money", "materials"}
    assert initiative.attachments.count() == 2

    preview = client.get(response.url)
    assert "Speeltuin opknappen" in preview.content.decode()

    response = client.post(reverse("initiatives:submit", args=[initiative.pk]))
    initiative.refresh_from_db()
    assert initiative.status == Status.SUBMITTED
    assert initiative.response_due is not None
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert "Ingediend" in page or "Submitted" in page


def test_uploaded_image_is_reencoded_without_metadata(client, resident, neighbourhood, theme):
    exif = Image.Exif()
    exif[0x010F] = "Camera met GPS"  # Make
    client.force_login(resident)
    client.post(
        reverse("initiatives:create"),
        form_data(neighbourhood, theme, images=[make_image(exif=exif.tobytes())]),
    )
    attachment = Attachment.objects.get()
    with attachment.file.open("rb") as handle:
        stored = Image.open(BytesIO(handle.read()))
        assert not stored.getexif()
    assert attachment.content_type == "image/jpeg"
    assert attachment.original_name == "foto.jpg"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "verplicht"),
        ("title", "x" * 121, "120"),
        ("summary", "y" * 301, "300"),
        ("description", "z" * 5001, "5000"),
        ("amount_requested", "-5", "0"),
        ("amount_requested", "2000000", "1000000"),
        ("title", "<script>alert(1)</script>", "code"),
        ("description", 'Kijk <img src=x onerror="alert(1)">', "code"),
        ("latitude", "40.0", "50"),
        ("neighbourhood", "999999", "keuze"),
        ("co_initiator_emails", "geen-adres", "geen-adres"),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_nothing_is_saved(
    client, resident, neighbourhood, theme, field, value, message
):
    client.force_login(resident)
    response = client.post(
        reverse("initiatives:create"), form_data(neighbourhood, theme, **{field: value})
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "portal-error-summary" in content
    assert f'id="id_{field}_error"' in content or "utrecht-alert" in content
    assert message.lower() in content.lower()
    assert not Initiative.objects.exists()


@pytest.mark.parametrize(
    ("upload", "field", "message"),
    [
        (SimpleUploadedFile("virus.exe", b"MZ\x90\x00binary", "image/jpeg"), "images", "JPEG"),
        (
            SimpleUploadedFile("plaatje.svg", b'<svg onload="alert(1)"></svg>', "image/svg+xml"),
            "images",
            "JPEG",
        ),
        (
            SimpleUploadedFile("brief.pdf", b"not a pdf at all", "application/pdf"),
            "documents",
            "PDF",
        ),
        (
            make_pdf("actief.pdf", javascript="app.launchURL('http://evil.example')"),
            "documents",
            "JavaScript",
        ),
        (
            SimpleUploadedFile("groot.jpg", b"\xff" * (5 * 1024 * 1024 + 1), "image/jpeg"),
            "images",
            "5 MB",
        ),
        (
            SimpleUploadedFile(
                "groot.pdf", b"%PDF-1.4" + b"0" * (10 * 1024 * 1024), "application/pdf"
            ),
            "documents",
            "10 MB",
        ),
    ],
)
def test_wrong_or_oversized_files_are_refused(
    client, resident, neighbourhood, theme, upload, field, message
):
    client.force_login(resident)
    response = client.post(
        reverse("initiatives:create"), form_data(neighbourhood, theme, **{field: [upload]})
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Initiative.objects.exists()
    assert not Attachment.objects.exists()


def test_html_in_text_is_shown_as_text(client, resident):
    initiative = InitiativeFactory(
        status=Status.SUBMITTED, description="Wij willen <b>vet</b> & <i>schuin</i>."
    )
    content = client.get(initiative.get_absolute_url()).content.decode()
    assert "&lt;b&gt;vet&lt;/b&gt;" in content
    assert "<b>vet</b>" not in content


def test_another_resident_cannot_see_edit_or_withdraw(client, other_resident):
    draft = InitiativeFactory()
    submitted = InitiativeFactory(status=Status.SUBMITTED)
    client.force_login(other_resident)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("initiatives:preview", args=[draft.pk])).status_code == 404
    assert client.get(reverse("initiatives:edit", args=[draft.pk])).status_code == 404
    assert (
        client.post(reverse("initiatives:edit", args=[draft.pk]), {"title": "X"}).status_code == 404
    )
    assert client.post(reverse("initiatives:submit", args=[draft.pk])).status_code == 404
    assert client.post(reverse("initiatives:withdraw", args=[submitted.pk])).status_code == 404
    assert client.get(reverse("initiatives:withdraw", args=[submitted.pk])).status_code == 404
    draft.refresh_from_db()
    submitted.refresh_from_db()
    assert (draft.status, submitted.status) == (Status.DRAFT, Status.SUBMITTED)
    assert draft.title != "X"


def test_draft_is_not_in_the_public_list_nor_its_files(client):
    draft = InitiativeFactory(title="Geheim concept")
    attachment = Attachment.objects.create(
        initiative=draft,
        kind="image",
        token="a" * 32,
        extension="jpg",
        content_type="image/jpeg",
        original_name="x.jpg",
        size=1,
        file="x.jpg",
    )
    assert "Geheim concept" not in client.get(reverse("initiatives:list")).content.decode()
    assert client.get(attachment.get_absolute_url()).status_code == 404


def test_anonymous_visitor_cannot_support_comment_or_create(client):
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    for url in [
        reverse("initiatives:support", args=[initiative.pk]),
        reverse("initiatives:comment", args=[initiative.pk]),
        reverse("initiatives:follow", args=[initiative.pk]),
    ]:
        response = client.post(url, {"text": "Hallo"})
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert client.get(reverse("initiatives:create")).status_code == 302
    assert not Support.objects.exists()
    assert not Comment.objects.exists()


def test_support_without_javascript_redirects_and_counts_once(client, resident):
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    client.force_login(resident)
    url = reverse("initiatives:support", args=[initiative.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    initiative.refresh_from_db()
    assert initiative.supporter_count == 1
    assert Support.objects.filter(initiative=initiative).count() == 1


def test_support_with_htmx_returns_the_support_region(client, resident):
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    client.force_login(resident)
    response = client.post(
        reverse("initiatives:support", args=[initiative.pk]), headers={"HX-Request": "true"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<section class="portal-box" id="support"')
    assert "<html" not in content
    assert "HX-Request" in response["Vary"]


def test_initiators_are_not_offered_support_of_their_own_initiative(client):
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    co, neighbour = UserFactory(), UserFactory()
    initiative.co_initiators.add(co)
    button = "Steun dit initiatief</button>"
    for person, offered in [(initiative.initiator, False), (co, False), (neighbour, True)]:
        client.force_login(person)
        assert (button in client.get(initiative.get_absolute_url()).content.decode()) is offered


def test_initiators_cannot_support_their_own_initiative(client):
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    co = UserFactory()
    initiative.co_initiators.add(co)
    url = reverse("initiatives:support", args=[initiative.pk])
    for person in (initiative.initiator, co):
        client.force_login(person)
        response = client.post(url, follow=True)
        assert response.status_code == 200
        assert "Steun dit initiatief</button>" not in response.content.decode()
    initiative.refresh_from_db()
    assert initiative.supporter_count == 0
    assert not Support.objects.exists()


def test_initiator_answers_a_question_and_review_resumes(client):
    initiative = InitiativeFactory(status=Status.NEEDS_INFO)
    client.force_login(initiative.initiator)
    response = client.post(
        reverse("initiatives:answer", args=[initiative.pk]), {"message": "Hier is de begroting."}
    )
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.status == Status.IN_REVIEW
    assert initiative.status_changes.get().message == "Hier is de begroting."


def test_empty_answer_is_refused_beside_the_field(client):
    initiative = InitiativeFactory(status=Status.NEEDS_INFO)
    client.force_login(initiative.initiator)
    response = client.post(reverse("initiatives:answer", args=[initiative.pk]), {"message": ""})
    assert response.status_code == 400
    assert 'id="id_message_error"' in response.content.decode()
    initiative.refresh_from_db()
    assert initiative.status == Status.NEEDS_INFO


def test_initiator_withdraws_with_a_message(client):
    initiative = InitiativeFactory(status=Status.IN_REVIEW)
    client.force_login(initiative.initiator)
    url = reverse("initiatives:withdraw", args=[initiative.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"message": "We stoppen ermee."})
    initiative.refresh_from_db()
    assert initiative.status == Status.WITHDRAWN


def test_comment_and_reply_appear_and_bad_comments_are_refused(client, resident):
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    client.force_login(resident)
    url = reverse("initiatives:comment", args=[initiative.pk])
    assert client.post(url, {"text": "Goed idee!"}).status_code == 302
    top = Comment.objects.get()
    assert client.post(url, {"text": "Eens!", "parent": top.pk}).status_code == 302
    assert Comment.objects.get(parent=top).text == "Eens!"
    for bad in ["", "x" * 2001, "<script>alert(1)</script>"]:
        response = client.post(url, {"text": bad})
        assert response.status_code == 400
        assert 'id="id_text_error"' in response.content.decode()
    assert Comment.objects.count() == 2


def test_report_a_comment_once(client, resident):
    comment = CommentFactory()
    client.force_login(resident)
    url = reverse("initiatives:report", args=[comment.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 400
    client.post(url, {"reason": "Beledigend"})
    client.post(url, {"reason": "Nog steeds beledigend"})
    assert comment.reports.count() == 1


def test_hidden_comment_shows_reason_only_to_its_author(client, other_resident):
    comment = CommentFactory(text="Iets grofs")
    actions.hide_comment(comment=comment, by=UserFactory(is_staff=True), reason="Grof taalgebruik")
    url = comment.initiative.get_absolute_url()
    public = client.get(url).content.decode()
    assert "Iets grofs" not in public
    assert "Grof taalgebruik" not in public
    client.force_login(comment.author)
    assert "Grof taalgebruik" in client.get(url).content.decode()


def test_similar_initiatives_are_suggested_while_typing(client):
    InitiativeFactory(status=Status.SUBMITTED, title="Moestuin bij de school")
    InitiativeFactory(title="Moestuin concept")  # a draft: never suggested
    response = client.get(reverse("initiatives:similar"), {"title": "Een moestuin maken"})
    content = response.content.decode()
    assert "Moestuin bij de school" in content
    assert "Moestuin concept" not in content


def test_list_filters_each_have_their_own_url(client, neighbourhood, theme):
    InitiativeFactory(
        status=Status.ACCEPTED,
        neighbourhood=neighbourhood,
        theme=theme,
        title="Groene kade",
        support=["money"],
    )
    InitiativeFactory(status=Status.SUBMITTED, title="Andere wijk")
    url = reverse("initiatives:list")
    for query in [
        {"neighbourhood": neighbourhood.slug},
        {"theme": theme.slug},
        {"status": "accepted"},
        {"support": "money"},
        {"q": "kade"},
    ]:
        content = client.get(url, query).content.decode()
        assert "Groene kade" in content, query
        assert "Andere wijk" not in content, query


def test_list_with_invalid_filter_shows_an_error_not_a_500(client):
    response = client.get(reverse("initiatives:list"), {"status": "bestaat-niet", "page": "x"})
    assert response.status_code == 200
    assert "portal-error-summary" in response.content.decode()


def test_sorting_by_support(client):
    InitiativeFactory(status=Status.SUBMITTED, title="Weinig steun", supporter_count=1)
    InitiativeFactory(status=Status.SUBMITTED, title="Veel steun", supporter_count=9)
    content = client.get(reverse("initiatives:list"), {"sort": "supported"}).content.decode()
    assert content.index("Veel steun") < content.index("Weinig steun")


def test_attachment_is_served_safely(client, resident, neighbourhood, theme):
    client.force_login(resident)
    client.post(
        reverse("initiatives:create"),
        form_data(neighbourhood, theme, images=[make_image()], documents=[make_pdf()]),
    )
    initiative = Initiative.objects.get()
    actions.submit_initiative(initiative=initiative, by=resident)
    client.logout()
    image = initiative.attachments.get(kind="image")
    document = initiative.attachments.get(kind="document")
    response = client.get(image.get_absolute_url())
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    response = client.get(document.get_absolute_url())
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("message", ["x" * 1001, "<script>alert(1)</script>"])
def test_withdraw_with_bad_message_is_refused(client, message):
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    client.force_login(initiative.initiator)
    response = client.post(
        reverse("initiatives:withdraw", args=[initiative.pk]), {"message": message}
    )
    assert response.status_code == 400
    assert 'id="id_message_error"' in response.content.decode()
    initiative.refresh_from_db()
    assert initiative.status == Status.SUBMITTED


@pytest.mark.parametrize("reason", ["", "r" * 301, "<iframe src=x>"])
def test_report_with_bad_reason_is_refused(client, resident, reason):
    comment = CommentFactory()
    client.force_login(resident)
    response = client.post(reverse("initiatives:report", args=[comment.pk]), {"reason": reason})
    assert response.status_code == 400
    assert 'id="id_reason_error"' in response.content.decode()
    assert not comment.reports.exists()


@pytest.mark.parametrize("event", ["", "999999", "abc"])
def test_market_signup_with_bad_event_saves_nothing(client, event):
    from initiatives.models import MarketPitch

    initiative = InitiativeFactory(status=Status.SUBMITTED)
    client.force_login(initiative.initiator)
    response = client.post(
        reverse("initiatives:market_signup", args=[initiative.pk]), {"event": event}
    )
    assert response.status_code == 302
    assert not MarketPitch.objects.exists()


def test_edit_of_submitted_initiative_is_refused(client):
    initiative = InitiativeFactory(status=Status.SUBMITTED, title="Origineel")
    client.force_login(initiative.initiator)
    response = client.post(reverse("initiatives:edit", args=[initiative.pk]), {"title": "Nieuw"})
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.title == "Origineel"


def test_initiator_edits_when_information_is_needed_and_removes_a_file(
    client, neighbourhood, theme
):
    initiative = InitiativeFactory(
        status=Status.NEEDS_INFO, neighbourhood=neighbourhood, theme=theme
    )
    client.force_login(initiative.initiator)
    client.post(
        reverse("initiatives:edit", args=[initiative.pk]),
        form_data(neighbourhood, theme, title="Aangevuld plan", documents=[make_pdf()]),
    )
    initiative.refresh_from_db()
    assert initiative.title == "Aangevuld plan"
    token = initiative.attachments.get().token
    client.post(
        reverse("initiatives:edit", args=[initiative.pk]),
        form_data(neighbourhood, theme, title="Aangevuld plan", remove_attachment=[token]),
    )
    assert not initiative.attachments.exists()
    assert initiative.status_changes.count() == 0  # editing is not answering


def _initiative_with_a_document(client, neighbourhood, theme) -> tuple[Initiative, Attachment]:
    initiative = InitiativeFactory(status=Status.DRAFT, neighbourhood=neighbourhood, theme=theme)
    client.force_login(initiative.initiator)
    client.post(
        reverse("initiatives:edit", args=[initiative.pk]),
        form_data(neighbourhood, theme, documents=[make_pdf()]),
    )
    return initiative, initiative.attachments.get()


def test_replacing_a_file_deletes_the_old_one_only_after_commit(
    client, neighbourhood, theme, django_capture_on_commit_callbacks
):
    initiative, old = _initiative_with_a_document(client, neighbourhood, theme)
    old_path = Path(old.file.path)
    data = form_data(neighbourhood, theme, documents=[make_pdf()], remove_attachment=[old.token])
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(reverse("initiatives:edit", args=[initiative.pk]), data)
    assert old_path.exists()  # the row is gone, but nothing is committed yet
    for callback in callbacks:
        callback()
    assert not old_path.exists()
    new = initiative.attachments.get()
    assert new.token != old.token
    assert Path(new.file.path).exists()


def test_rolled_back_edit_keeps_the_replaced_file(
    client, neighbourhood, theme, monkeypatch, django_capture_on_commit_callbacks
):
    initiative, old = _initiative_with_a_document(client, neighbourhood, theme)

    def failing_upload(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(actions, "add_attachments", failing_upload)
    data = form_data(neighbourhood, theme, documents=[make_pdf()], remove_attachment=[old.token])
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError, match="disk full"),
    ):
        client.post(reverse("initiatives:edit", args=[initiative.pk]), data)
    kept = initiative.attachments.get()
    assert kept.token == old.token
    with kept.file.open("rb") as handle:
        assert handle.read().startswith(b"%PDF-")


def test_seventh_file_is_refused(client, neighbourhood, theme, resident):
    client.force_login(resident)
    response = client.post(
        reverse("initiatives:create"),
        form_data(
            neighbourhood,
            theme,
            images=[make_image(f"foto{n}.jpg") for n in range(4)],
            documents=[make_pdf("a.pdf"), make_pdf("b.pdf"), make_pdf("c.pdf")],
        ),
    )
    assert response.status_code == 400
    assert not Initiative.objects.exists()


def test_the_detail_page_shows_each_person_their_own_ties_only(client):
    """Running, supporting and following are read with the initiative for the person
    asking: a co-initiator may manage it, a supporter and a follower see so, and
    another resident or a visitor sees none of that."""
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    co, fan, other = UserFactory(), UserFactory(), UserFactory()
    initiative.co_initiators.add(co)
    actions.support_initiative(initiative=initiative, user=fan)
    actions.follow_initiative(initiative=initiative, user=fan)
    url = initiative.get_absolute_url()
    edit = reverse("initiatives:edit", args=[initiative.pk])
    ties = ["Jouw initiatief", "Je steunt dit initiatief.", "Je volgt dit initiatief."]

    def page_for(person) -> str:
        client.logout()
        if person:
            client.force_login(person)
        return client.get(url).content.decode()

    assert [tie in page_for(co) for tie in ties] == [True, False, False]
    assert client.get(edit).status_code == 302  # theirs, though no longer editable once sent
    assert [tie in page_for(fan) for tie in ties] == [False, True, True]
    assert client.get(edit).status_code == 404
    for stranger in (other, None):
        assert not any(tie in page_for(stranger) for tie in ties)


def test_a_draft_page_opens_for_its_initiators_only(client):
    draft = InitiativeFactory()  # a draft
    co, other = UserFactory(), UserFactory()
    draft.co_initiators.add(co)
    for person, status in [(draft.initiator, 200), (co, 200), (other, 404), (None, 404)]:
        client.logout()
        if person:
            client.force_login(person)
        assert client.get(draft.get_absolute_url()).status_code == status, person
        edit = client.get(reverse("initiatives:edit", args=[draft.pk]))
        assert edit.status_code == (200 if status == 200 else 404 if person else 302)


def test_comments_show_as_threads_in_the_order_they_were_placed(client, django_assert_num_queries):
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    first = CommentFactory(initiative=initiative, text="Eerste")
    second = CommentFactory(initiative=initiative, text="Tweede")
    CommentFactory(initiative=initiative, parent=second, text="Antwoord op tweede")
    CommentFactory(initiative=initiative, parent=first, text="Antwoord op eerste")
    CommentFactory(text="Elders")  # another initiative's
    with django_assert_num_queries(1):
        threads = initiative.comment_threads()
        texts = [(top.text, [reply.text for reply in top.thread]) for top in threads]
    assert texts == [("Eerste", ["Antwoord op eerste"]), ("Tweede", ["Antwoord op tweede"])]
    page = client.get(initiative.get_absolute_url()).content.decode()
    order = ["Eerste", "Antwoord op eerste", "Tweede", "Antwoord op tweede"]
    assert [page.index(text) for text in order] == sorted(page.index(text) for text in order)
    assert page.count("portal-comments--replies") == 2
    assert "Elders" not in page


def test_the_civil_servant_handling_an_initiative_is_not_offered_support_and_cannot_give_it(
    client,
):
    """Review walk 59: the assignee and the area manager judge an initiative; the page
    does not offer them "Support this initiative" and the action refuses it plainly."""
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    assignee = UserFactory(is_staff=True)
    area_manager = UserFactory(is_staff=True)
    initiative.assignee = assignee
    initiative.save(update_fields=["assignee"])
    initiative.neighbourhood.area_manager = area_manager
    initiative.neighbourhood.save(update_fields=["area_manager"])
    url = reverse("initiatives:support", args=[initiative.pk])
    for person in (assignee, area_manager):
        client.force_login(person)
        page = client.get(initiative.get_absolute_url()).content.decode()
        assert f'action="{url}"' not in page
        assert "Je behandelt dit initiatief voor de gemeente" in page
        response = client.post(url, follow=True)
        assert "Je behandelt dit initiatief voor de gemeente" in response.content.decode()
        with pytest.raises(actions.WorkflowError):
            actions.support_initiative(initiative=initiative, user=person)
    assert not Support.objects.exists()
    colleague = UserFactory(is_staff=True)
    client.force_login(colleague)
    assert f'action="{url}"' in client.get(initiative.get_absolute_url()).content.decode()


def test_a_resident_is_not_offered_to_report_her_own_comment_and_cannot(client):
    """Review walk 21: "Report" sends a comment to the moderators; not one's own."""
    comment = CommentFactory(text="Mijn eigen mening")
    other = CommentFactory(initiative=comment.initiative, text="Iemand anders")
    client.force_login(comment.author)
    page = client.get(comment.initiative.get_absolute_url()).content.decode()
    assert reverse("initiatives:report", args=[comment.pk]) not in page
    assert reverse("initiatives:report", args=[other.pk]) in page
    report = reverse("initiatives:report", args=[comment.pk])
    response = client.post(report, {"reason": "Test"}, follow=True)
    assert "Dit is je eigen reactie; die kun je niet melden." in response.content.decode()
    assert client.get(report).status_code == 302
    with pytest.raises(actions.WorkflowError):
        actions.report_comment(comment=comment, reporter=comment.author, reason="Test")
    assert not comment.reports.exists()
