"""The back office's mood of the city: researchers start an analysis of what residents
wrote in a period and area, follow its progress, read the topics with the texts behind
them, and write the summary that, once reviewed, is published on "Wat leeft er in de
stad"."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext

from mood import actions
from mood.forms import AnalysisForm, SummaryForm
from mood.models import AnalysisRun, Summary, Topic, TopicInput
from mood.sources import behind
from neighbourhoods.models import Neighbourhood
from privacy.audit import acting_staff, record_list

# The texts shown under each topic, heaviest first.
SHOWN_TEXTS = 10


@admin.register(AnalysisRun)
class AnalysisRunAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "progress", "text_count", "created_at"]
    list_filter = ["status"]
    list_select_related = ["neighbourhood"]
    ordering = ["-created_at", "-pk"]

    def get_urls(self) -> list[Any]:
        def summary(request: HttpRequest, object_id: str) -> HttpResponse:
            return self.summary_view(request, object_id)

        def again(request: HttpRequest, object_id: str) -> HttpResponse:
            return self.again_view(request, object_id)

        return [
            path(
                "<path:object_id>/samenvatting/",
                self.admin_site.admin_view(summary),
                name="mood_analysisrun_summary",
            ),
            path(
                "<path:object_id>/opnieuw/",
                self.admin_site.admin_view(again),
                name="mood_analysisrun_again",
            ),
            *super().get_urls(),
        ]

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = AnalysisForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            run = actions.start_analysis(
                user=request.user,  # type: ignore[arg-type]  # staff, signed in
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                neighbourhood=form.cleaned_data["neighbourhood"],
                topic_count=form.cleaned_data["topic_count"],
            )
            return HttpResponseRedirect(reverse("admin:mood_analysisrun_change", args=[run.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("What lives in the city: a new analysis"),
            "form": form,
        }
        status = 400 if form.errors else 200
        return TemplateResponse(
            request, "admin/mood/analysisrun/start.html", context, status=status
        )

    def _run(self, request: HttpRequest, object_id: str) -> AnalysisRun:
        if not self.has_view_permission(request):
            raise PermissionDenied
        run = (
            AnalysisRun.objects.select_related("neighbourhood")
            .filter(pk=int(object_id) if object_id.isdigit() else 0)
            .first()
        )
        if run is None:
            raise Http404
        return run

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        run = self._run(request, object_id)
        if getattr(request, "htmx", False):
            if run.is_finished():
                # The progress asked for is over: htmx loads the whole page with the topics.
                response = HttpResponse(status=204)
                response["HX-Refresh"] = "true"
                response["Vary"] = "HX-Request"
                return response
            context = {"run": run}
            response = TemplateResponse(
                request, "admin/mood/analysisrun/run.html#progress", context
            )
            response["Vary"] = "HX-Request"
            return response
        return self._run_page(request, run, None)

    def _run_page(
        self, request: HttpRequest, run: AnalysisRun, form: SummaryForm | None
    ) -> HttpResponse:
        summary = Summary.objects.filter(run=run).first()
        if form is None:
            initial: dict[str, Any] = {}
            if summary is not None:
                initial = {
                    field: getattr(summary, field)
                    for field in ("title_nl", "title_en", "text_nl", "text_en")
                }
                initial["topics"] = list(run.topics.filter(public=True))
            else:
                # Until a researcher chooses: every topic big enough to be published.
                initial["topics"] = list(Topic.objects.filter(run=run).big_enough())
            form = SummaryForm(initial=initial, run=run)
        topics = list(run.topics.all()) if run.status == AnalysisRun.Status.DONE else []
        shown: dict[int, list[TopicInput]] = {topic.pk: [] for topic in topics}
        for item in TopicInput.objects.heaviest(run, SHOWN_TEXTS) if topics else []:
            shown[item.topic_id].append(item)
        texts = behind([(item.kind, item.object_key) for items in shown.values() for item in items])
        if texts:
            # Residents' texts, even masked, are personal data: who read them is logged.
            record_list(actor=acting_staff(request), model=TopicInput, summary=f"analysis {run.pk}")
        names = dict(Neighbourhood.objects.values_list("pk", "name")) if topics else {}
        months = run.months()
        rows = []
        for topic in topics:
            rows.append(
                {
                    "topic": topic,
                    "months": [(month, topic.per_month.get(month, 0)) for month in months],
                    "neighbourhoods": [
                        (names.get(int(key), gettext("Without a neighbourhood")), count)
                        for key, count in topic.per_neighbourhood.items()
                    ],
                    "texts": [
                        texts[(item.kind, item.object_key)]
                        for item in shown[topic.pk]
                        if (item.kind, item.object_key) in texts
                    ],
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": run,
            "title": str(run),
            "run": run,
            "rows": rows,
            "summary": summary,
            "form": form,
            "may_write": self.has_change_permission(request, run),
            "may_run_again": run.is_finished() and self.has_add_permission(request),
            "shown_texts": SHOWN_TEXTS,
        }
        template = "admin/mood/analysisrun/run.html"
        response = TemplateResponse(request, template, context, status=400 if form.errors else 200)
        response["Vary"] = "HX-Request"
        return response

    def again_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The same analysis once more (a new run), for instance after it failed."""
        run = self._run(request, object_id)
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method != "POST" or not run.is_finished():
            return HttpResponseRedirect(reverse("admin:mood_analysisrun_change", args=[run.pk]))
        again = actions.run_again(run=run, user=request.user)  # type: ignore[arg-type]  # staff, signed in
        return HttpResponseRedirect(reverse("admin:mood_analysisrun_change", args=[again.pk]))

    def summary_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        run = self._run(request, object_id)
        if not self.has_change_permission(request, run):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:mood_analysisrun_change", args=[run.pk]))
        summary = Summary.objects.filter(run=run).first()
        if request.POST.get("action") == "withdraw":
            if summary is not None:
                actions.withdraw_summary(summary=summary)
                messages.success(request, gettext("The summary is no longer public."))
            return HttpResponseRedirect(reverse("admin:mood_analysisrun_change", args=[run.pk]))
        publishing = request.POST.get("action") == "publish"
        form = SummaryForm(request.POST, run=run, publishing=publishing)
        if form.is_valid():
            if publishing and run.status != AnalysisRun.Status.DONE:
                form.add_error(None, gettext("Only a finished analysis can be published."))
            else:
                actions.save_summary(
                    run=run,
                    user=request.user,  # type: ignore[arg-type]  # staff, signed in
                    reviewed=form.cleaned_data["reviewed"],
                    publish=publishing,
                    topics=form.cleaned_data.get("topics", ()),
                    **{
                        field: form.cleaned_data[field]
                        for field in ("title_nl", "title_en", "text_nl", "text_en")
                    },
                )
                messages.success(
                    request,
                    gettext("The summary is published.")
                    if publishing
                    else gettext("The summary is saved; it is not public."),
                )
                return HttpResponseRedirect(reverse("admin:mood_analysisrun_change", args=[run.pk]))
        return self._run_page(request, run, form)
