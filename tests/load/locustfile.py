"""The mixed scenario of the load test (tests/test_load.py), run by locust in its own
process: each simulated resident browses, searches, supports, comments, answers the open
survey once and, now and then, registers a company once. Every write the portal
confirmed is written to LOAD_RESULTS at the end, with every request's status and time,
so the test can check them against the database."""

import itertools
import json
import os
import random
import time

from locust import HttpUser, between, events, task

PEOPLE = json.loads(open(os.environ["LOAD_PEOPLE"]).read())  # noqa: SIM115
RECORD: list[dict] = []
_next_person = itertools.count()
WORDS = ["speeltuin", "groen", "fiets", "bankje", "markt", "buurt", "park"]


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response, exception, **kw):
    status = 0 if exception is not None and response is None else response.status_code
    RECORD.append(
        {
            "name": name,
            "status": status,
            "ms": response_time,
            "at": time.time(),
            "error": repr(exception) if exception is not None else "",
        }
    )


@events.test_stop.add_listener
def _save(environment, **kwargs):
    with open(os.environ["LOAD_RESULTS"], "w") as out:
        json.dump({"requests": RECORD, "writes": Resident.writes}, out)


class Resident(HttpUser):
    wait_time = between(1, 4)
    writes: list[dict] = []

    def on_start(self):
        self.me = PEOPLE["people"][next(_next_person) % len(PEOPLE["people"])]
        self.client.cookies.set("sessionid", self.me["session"])
        self.answered = False
        self.registered = False

    def _token(self, path: str) -> str:
        self.client.get(path, name="read before writing")
        return self.client.cookies.get("csrftoken", "")

    def _post(self, path: str, data: dict, name: str, *, read: str, htmx: bool = False):
        headers = {"X-CSRFToken": self._token(read)}
        if htmx:
            headers["HX-Request"] = "true"
        return self.client.post(path, data=data, headers=headers, allow_redirects=False, name=name)

    @task(6)
    def browse(self):
        initiative = random.choice(PEOPLE["initiatives"])
        path = random.choice(
            [
                "/",
                "/initiatieven/",
                f"/initiatieven/{initiative}/",
                "/wijken/",
                f"/wijken/{random.choice(PEOPLE['neighbourhoods'])}/",
                "/enquetes/",
                "/inkoop/",
                "/cijfers/",
                "/participatie/besluiten/",
            ]
        )
        self.client.get(path, name="browse")

    @task(2)
    def search(self):
        self.client.get(f"/zoeken/?q={random.choice(WORDS)}", name="search")

    @task(1)
    def support(self):
        initiative = random.choice(PEOPLE["initiatives"])
        page = f"/initiatieven/{initiative}/"
        # With htmx, support answers with the new support region (200); a refusal
        # (the initiative cannot be supported now) is a redirect with a message.
        response = self._post(f"{page}steunen/", {}, "support", read=page, htmx=True)
        if response.status_code == 200:
            self.writes.append({"kind": "support", "user": self.me["id"], "on": initiative})

    @task(1)
    def comment(self):
        initiative = random.choice(PEOPLE["initiatives"])
        text = f"Goed plan! ({self.me['id']}-{time.time_ns()})"
        page = f"/initiatieven/{initiative}/"
        response = self._post(f"{page}reageren/", {"text": text}, "comment", read=page)
        # Placed: a redirect to the new comment; refused: a redirect with a message.
        if response.status_code == 302 and "#comment-" in response.headers["Location"]:
            self.writes.append({"kind": "comment", "text": text})

    @task(1)
    def answer_survey(self):
        if self.answered:
            return
        response = self._post(
            PEOPLE["survey_page"], {PEOPLE["question"]: "8"}, "survey", read=PEOPLE["survey_start"]
        )
        if response.status_code == 302 and "bedankt" in response.headers.get("Location", ""):
            self.answered = True
            self.writes.append({"kind": "survey"})

    @task(1)
    def register_company(self):
        if self.registered or random.random() > 0.3:
            return
        kvk = f"{70000000 + self.me['id']}"
        response = self._post(
            "/inkoop/leverancier/aanmelden/",
            {
                "kvk_number": kvk,
                "name": f"Bedrijf {self.me['id']} B.V.",
                "vat_number": "NL004495445B01",
                "street": "Havenstraat 1",
                "postcode": "3811AB",
                "city": "Eemdal",
                "contact_name": "Kees",
                "contact_email": f"kees{self.me['id']}@bedrijf.example",
                "staff_count": "5",
                "turnover": "2m",
                "service_area": "region",
                "divisions": [PEOPLE["division"]],
                "certificates-TOTAL_FORMS": "0",
                "certificates-INITIAL_FORMS": "0",
            },
            "register supplier",
            read="/inkoop/leverancier/aanmelden/",
        )
        if response.status_code == 302 and response.headers["Location"].endswith("/leverancier/"):
            self.registered = True
            self.writes.append({"kind": "supplier", "kvk": kvk})
