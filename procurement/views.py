from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from common.abuse import rate_limited
from common.csv import spreadsheet_safe_writer
from common.public_cache import public_page
from procurement import actions, figures
from procurement.calendar import tender_calendar
from procurement.forms import (
    ActivityForm,
    CertificateFormSet,
    FiguresFilterForm,
    InterestForm,
    KpiResponseForm,
    MoreEvidenceForm,
    SupplierForm,
    TeamInviteForm,
    TenderFilterForm,
)
from procurement.models import (
    Contract,
    ContractDocument,
    CpvCode,
    Interest,
    KpiCheckpoint,
    SocialReturnActivity,
    SocialReturnEvidence,
    Supplier,
    TeamInvitation,
    Tender,
    TenderCriterion,
)
from procurement.ocds import release_package
from procurement.tasks import TEAM_SALT


def _public_tenders():
    return Tender.objects.public().for_listing()


def _criteria_prefetch():
    return Prefetch("criteria", queryset=TenderCriterion.objects.select_related("criterion"))


@require_safe
@public_page("procurement")
def calendar(request: HttpRequest) -> HttpResponse:
    form = TenderFilterForm(request.GET or None)
    tenders = form.filter(_public_tenders()) if form.is_bound else _public_tenders()
    page = Paginator(
        tenders.prefetch_related(_criteria_prefetch()).order_by("expected_publication", "pk"), 25
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "procurement/calendar.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "supplier": Supplier.objects.of(request.user),
        },
    )


@require_safe
@public_page("procurement")
def tender_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tender = get_object_or_404(_public_tenders(), pk=pk)
    supplier = Supplier.objects.of(request.user)
    interest = (
        Interest.objects.filter(tender=tender, supplier=supplier).first() if supplier else None
    )
    return render(
        request,
        "procurement/tender.html",
        {
            "tender": tender,
            "supplier": supplier,
            "interest": interest,
            "interest_form": InterestForm(),
            "changes": tender.changes.all()[:10],
            "criteria": tender.criteria.select_related("criterion"),
            "contracts": tender.contracts.select_related("supplier").order_by("pk"),
        },
    )


@login_required
@require_POST
def tender_interest(request: HttpRequest, pk: int) -> HttpResponse:
    tender = get_object_or_404(_public_tenders(), pk=pk)
    supplier = Supplier.objects.of(request.user)
    if supplier is None:
        messages.error(request, _("Register your company first to say you are interested."))
        return redirect("procurement:register")
    if request.POST.get("withdraw"):
        actions.withdraw_interest(tender=tender, supplier=supplier)
        messages.success(request, _("Your interest is withdrawn."))
        return redirect(tender)
    form = InterestForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "procurement/tender.html",
            {"tender": tender, "supplier": supplier, "interest": None, "interest_form": form},
            status=400,
        )
    try:
        added = actions.express_interest(
            tender=tender, supplier=supplier, note=form.cleaned_data["note"]
        )
    except actions.ProcurementError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The procurement officer knows you are interested.")
            if added
            else _("You said so already."),
        )
    return redirect(tender)


def _calendar_response(tenders, name: str, filename: str) -> HttpResponse:
    response = HttpResponse(tender_calendar(tenders, name), content_type="text/calendar")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
@public_page("procurement")
def calendar_ics(request: HttpRequest) -> HttpResponse:
    return _calendar_response(_public_tenders(), _("Tender calendar"), "aanbestedingskalender.ics")


@require_safe
def supplier_ics(request: HttpRequest, token: str) -> HttpResponse:
    """A supplier's own feed: only tenders matching its CPV codes. The token in the URL
    is the secret; it can be renewed in the profile."""
    supplier = get_object_or_404(Supplier, feed_token=token)
    tenders = _public_tenders().matching(supplier)
    response = _calendar_response(tenders, supplier.name, "mijn-aanbestedingen.ics")
    # The address is the secret: no cache on the way may keep a copy under it.
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@public_page("procurement")
def ocds(request: HttpRequest) -> JsonResponse:
    tenders = (
        _public_tenders()
        .prefetch_related(
            _criteria_prefetch(),
            Prefetch(
                "contracts",
                queryset=Contract.objects.select_related("supplier")
                .prefetch_related("options", "payments", "kpi_checkpoints")
                .order_by("pk"),
            ),
        )
        .order_by("pk")
    )
    return JsonResponse(release_package(tenders), json_dumps_params={"ensure_ascii": False})


@require_safe
@public_page("procurement")
def calendar_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="aanbestedingskalender.csv"'
    writer = spreadsheet_safe_writer(response)
    writer.writerow(
        [
            "id",
            "title",
            "department",
            "category",
            "procedure",
            "value_low_eur",
            "value_high_eur",
            "expected_publication",
            "submission_deadline",
            "cpv",
            "status",
            "social_return_percent",
        ]
    )
    for tender in _public_tenders().order_by("expected_publication", "pk"):
        writer.writerow(
            [
                tender.pk,
                tender.title,
                tender.department,
                tender.category,
                tender.procedure,
                tender.value_low,
                tender.value_high,
                tender.expected_publication,
                tender.submission_deadline or "",
                " ".join(c.full_code for c in tender.cpv_codes.all()),
                tender.status,
                tender.social_return_percent,
            ]
        )
    return response


@require_safe
@public_page("procurement")
def cpv_search(request: HttpRequest) -> HttpResponse:
    """htmx: matching CPV codes as checkboxes for the profile form."""
    return render(
        request,
        "procurement/profile.html#cpv-results",
        {"results": CpvCode.objects.search(request.GET.get("cpv_q", "")[:100])},
    )


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("supplier_register")
def register(request: HttpRequest) -> HttpResponse:
    if Supplier.objects.of(request.user) is not None:
        return redirect("procurement:profile")
    form = SupplierForm(request.POST or None)
    formset = CertificateFormSet(request.POST or None, prefix="certificates")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            with transaction.atomic():
                supplier = actions.register_supplier(
                    user=request.user,
                    supplier=form.save(commit=False),
                    cpv_codes=form.cleaned_data["all_cpv_codes"],
                )
                formset.instance = supplier
                formset.save()
        except actions.DuplicateKvK as error:
            form.add_error("kvk_number", str(error))
        except actions.ProcurementError as error:
            messages.error(request, str(error))
            return redirect("procurement:calendar")
        else:
            messages.success(
                request,
                _("Your company is registered. A procurement officer verifies it soon."),
            )
            return redirect("procurement:profile")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "procurement/profile.html",
        {"form": form, "formset": formset, "registering": True},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    supplier = Supplier.objects.of(request.user)
    if supplier is None:
        return redirect("procurement:register")
    form = SupplierForm(request.POST or None, instance=supplier)
    formset = CertificateFormSet(request.POST or None, instance=supplier, prefix="certificates")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        with transaction.atomic():
            form.save()
            supplier.cpv_codes.set(form.cleaned_data["all_cpv_codes"])
            formset.save()
        messages.success(request, _("Your profile is saved."))
        return redirect("procurement:profile")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "procurement/profile.html",
        {
            "form": form,
            "formset": formset,
            "supplier": supplier,
            "team": supplier.members.select_related("user"),
            "invite_form": TeamInviteForm(),
            "interests": supplier.interests.select_related("tender"),
            "invitations": supplier.tender_invitations.select_related("tender").exclude(
                sent_at=None
            ),
        },
        status=status,
    )


@login_required
@require_POST
def renew_feed(request: HttpRequest) -> HttpResponse:
    """Make a new personal calendar link; the old one stops working at once."""
    supplier = Supplier.objects.of(request.user)
    if supplier is None:
        raise Http404
    supplier.renew_feed_token()
    messages.success(
        request,
        _(
            "Your calendar has a new link. The old link no longer works: subscribe again "
            "with the new one."
        ),
    )
    return redirect("procurement:profile")


@login_required
@require_POST
def team_invite(request: HttpRequest) -> HttpResponse:
    supplier = Supplier.objects.of(request.user)
    if supplier is None:
        raise Http404
    form = TeamInviteForm(request.POST)
    if form.is_valid():
        actions.invite_colleague(
            supplier=supplier, email=form.cleaned_data["email"], by=request.user
        )
        messages.success(request, _("Your colleague gets an invitation by email."))
    else:
        messages.error(request, _("Enter a valid email address."))
    return redirect("procurement:profile")


@login_required
@require_http_methods(["GET", "POST"])
def team_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation_id = signing.loads(token, salt=TEAM_SALT, max_age=60 * 60 * 24 * 30)
    except signing.BadSignature:
        raise Http404 from None
    invitation = get_object_or_404(
        TeamInvitation.objects.select_related("supplier"), pk=invitation_id
    )
    if request.method == "POST":
        try:
            actions.accept_team_invitation(invitation=invitation, user=request.user)
        except actions.ProcurementError as error:
            messages.error(request, str(error))
            return redirect("procurement:team_accept", token)
        messages.success(
            request, _("You are now on the team of %(name)s.") % {"name": invitation.supplier.name}
        )
        return redirect("procurement:profile")
    return render(
        request, "procurement/team_accept.html", {"invitation": invitation, "token": token}
    )


# --- The contract register ---------------------------------------------------------------


def _public_contracts():
    return Contract.objects.filter(tender__in=Tender.objects.public()).for_register()


@require_safe
@public_page("procurement")
def contracts(request: HttpRequest) -> HttpResponse:
    """The public contract register: who the municipality contracted, for what, for how
    much and how long (no persons)."""
    page = Paginator(_public_contracts(), 50).get_page(request.GET.get("page"))
    return render(request, "procurement/contracts.html", {"page": page})


CONTRACT_CSV_HEADER = [
    "contract_id",
    "tender_id",
    "tender_title",
    "department",
    "supplier_kvk",
    "supplier_name",
    "supplier_local",
    "supplier_sme",
    "value_eur",
    "start_date",
    "end_date",
    "status",
    "social_return_obliged_eur",
]


@require_safe
@public_page("procurement")
def contracts_csv(request: HttpRequest) -> HttpResponse:
    """The contract register as CSV, spreadsheet-safe: companies only, no persons."""
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="contractregister.csv"'
    writer = spreadsheet_safe_writer(response)
    writer.writerow(CONTRACT_CSV_HEADER)
    for contract in _public_contracts().iterator(chunk_size=2000):
        supplier = contract.supplier
        writer.writerow(
            [
                contract.pk,
                contract.tender_id,
                contract.tender.title,
                contract.department,
                supplier.kvk_number if supplier else contract.invited_kvk,
                contract.party_name,
                supplier.is_local if supplier else "",
                supplier.is_sme if supplier else "",
                contract.value,
                contract.start_date.isoformat(),
                contract.end_date.isoformat(),
                contract.status,
                contract.social_return_obligation,
            ]
        )
    return response


def _my_supplier(request: HttpRequest) -> Supplier:
    supplier = Supplier.objects.of(request.user)
    if supplier is None:
        raise Http404
    return supplier


def _supplier_contract(request: HttpRequest, pk: int) -> Contract:
    """A contract of the viewer's own company; 404 for anyone else's."""
    return get_object_or_404(
        Contract.objects.of_supplier(_my_supplier(request)).select_related("tender", "supplier"),
        pk=pk,
    )


@login_required
@require_safe
def supplier_contracts(request: HttpRequest) -> HttpResponse:
    """The supplier's team: its contracts and what each obliges in social return."""
    supplier = _my_supplier(request)
    rows = Contract.objects.of_supplier(supplier).with_realised().for_register()
    return render(
        request,
        "procurement/supplier_contracts.html",
        {"supplier": supplier, "contracts": rows},
    )


def _contract_context(contract: Contract) -> dict:
    realised = Contract.objects.filter(pk=contract.pk).with_realised().get().realised_value
    activities = contract.social_return_activities.select_related("block").prefetch_related(
        "evidence"
    )
    return {
        "contract": contract,
        "realised": realised,
        "forecast": contract.forecast(realised),
        "activities": activities,
        "documents": contract.documents.all(),
        "options": contract.options.all(),
        "checkpoints": contract.kpi_checkpoints.all(),
        "kpi_threshold": settings.PROCUREMENT_KPI_THRESHOLD,
    }


@login_required
@require_http_methods(["GET", "POST"])
def supplier_contract(request: HttpRequest, pk: int) -> HttpResponse:
    """One contract of the supplier: obliged against realised, the activities reported,
    and the form to report another."""
    contract = _supplier_contract(request, pk)
    form = ActivityForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        actions.report_activity(
            contract=contract,
            block=form.cleaned_data["block"],
            description=form.cleaned_data["description"],
            quantity=form.cleaned_data["quantity"],
            period_start=form.cleaned_data["period_start"],
            period_end=form.cleaned_data["period_end"],
            evidence=form.cleaned_data["evidence"],
            by=request.user,
        )
        messages.success(request, _("Your activity is reported. The coordinator reviews it soon."))
        return redirect("procurement:supplier_contract", contract.pk)
    return render(
        request,
        "procurement/supplier_contract.html",
        {**_contract_context(contract), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The supplier answers the coordinator's request for more on an activity."""
    supplier = _my_supplier(request)
    activity = get_object_or_404(
        SocialReturnActivity.objects.filter(contract__supplier=supplier).select_related(
            "contract__tender", "block"
        ),
        pk=pk,
    )
    form = MoreEvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_evidence(
                activity=activity,
                evidence=form.cleaned_data["evidence"],
                note=form.cleaned_data["note"],
            )
        except actions.ProcurementError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your answer is sent to the coordinator."))
        return redirect("procurement:supplier_contract", activity.contract_id)
    return render(
        request,
        "procurement/activity_answer.html",
        {"activity": activity, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def kpi_response(request: HttpRequest, pk: int) -> HttpResponse:
    """A KPI checkpoint of the supplier's own contract: the scores and the remark, and
    the form to respond (once)."""
    supplier = _my_supplier(request)
    checkpoint = get_object_or_404(
        KpiCheckpoint.objects.filter(contract__supplier=supplier).select_related(
            "contract__tender", "contract__supplier", "contract__contract_manager", "recorded_by"
        ),
        pk=pk,
    )
    form = KpiResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.respond_to_checkpoint(
                checkpoint=checkpoint, response=form.cleaned_data["response"], by=request.user
            )
        except actions.ProcurementError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your response is sent to the contract manager."))
            return redirect(
                f"{reverse('procurement:supplier_contract', args=[checkpoint.contract_id])}"
                f"#checkpoint-{checkpoint.pk}"
            )
    return render(
        request,
        "procurement/kpi_response.html",
        {"checkpoint": checkpoint, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _pdf_response(file, name: str) -> FileResponse:
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, content_type="application/pdf", as_attachment=True, filename=name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _contracts_for_file(request: HttpRequest, permission: str):
    """The contracts whose files this person may open: an officer's (with the
    permission, within their departments) or the own company's."""
    user = request.user
    if user.is_staff and user.has_perm(permission):
        return Contract.objects.in_departments_of(user)
    return Contract.objects.of_supplier(Supplier.objects.of(user))


@login_required
@require_safe
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    allowed = _contracts_for_file(request, "procurement.view_socialreturnevidence")
    item = get_object_or_404(
        SocialReturnEvidence.objects.filter(activity__contract__in=allowed), pk=pk
    )
    return _pdf_response(item.file, item.original_name)


@login_required
@require_safe
def contract_document(request: HttpRequest, pk: int) -> FileResponse:
    allowed = _contracts_for_file(request, "procurement.view_contractdocument")
    item = get_object_or_404(ContractDocument.objects.filter(contract__in=allowed), pk=pk)
    return _pdf_response(item.file, f"{item.title[:80]}.pdf")


# --- The figures the council asks for ----------------------------------------------------


@require_safe
@public_page("procurement")
def figures_page(request: HttpRequest) -> HttpResponse:
    """Procurement in figures: local and SME spending, MVI, social return obliged against
    realised, contracts ending soon; per department and year. Public: every figure
    comes from the public register and the public calendar, and holds no person."""
    form = FiguresFilterForm.for_query(request.GET)
    return render(
        request,
        "procurement/figures.html",
        {
            "form": form,
            "figures": figures.build_cached(form.selection()),
            "query": request.GET.urlencode() if form.valid else "",
            "ending_days": figures.ENDING_DAYS,
            "ending_listed": figures.ENDING_LISTED,
        },
        status=200 if form.valid else 400,
    )


@require_safe
@public_page("procurement")
def figures_csv(request: HttpRequest) -> HttpResponse:
    """The same figures as CSV, with every contract ending in the next six months."""
    form = FiguresFilterForm.for_query(request.GET)
    if not form.valid:
        return HttpResponse(
            form.errors_as_text(), status=400, content_type="text/plain; charset=utf-8"
        )
    selection = form.selection()
    data = figures.build_cached(selection)
    ending = figures.ending_rows(figures.ending_soon(selection.department))
    response = HttpResponse(data.csv(ending), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="inkoop-in-cijfers.csv"'
    return response
