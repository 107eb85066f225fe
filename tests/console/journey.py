"""The journeys run_console_test.py drives in Chromium (selenium).

Each step waits for what a user would see, runs axe-core on each new page
or dialog (a serious or critical violation fails), and saves a full-page
screenshot into the screenshots folder. Any failure raises AssertionError
with what was expected; run_console_test.py turns it into a failed test.
"""

import base64
import csv
import datetime
import json
import os
import re
import time
import urllib.request
from decimal import Decimal

from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

# WebDriver's visible text turns a no-break space (U+00A0) into a space;
# the narrow one (U+202F) between thousands stays.
FR_MONEY = re.compile(r"^-?\d{1,3}(\u202f\d{3})*,\d\d €$")
NL_MONEY = re.compile(r"^€ -?\d{1,3}(\.\d{3})*,\d\d$")


def fr_amount(text):
    """'1 234,56 €' -> Decimal('1234.56')"""
    assert FR_MONEY.match(text), "not a French amount: %r" % text
    return Decimal(text.replace("\u202f", "").replace(" €", "").replace(",", "."))


class Journey:
    def __init__(self, driver, base, axe, shots, token, niss, party, payment, demo, auditor_token,
                 batch_token, bank_file):
        self.d = driver
        self.base = base
        self.axe_js = axe
        self.shots = shots
        self.token = token
        self.niss = niss
        self.party = party
        self.payment = Decimal(payment)
        self.demo = demo  # a demo person: party_id, first_name, last_name
        self.auditor_token = auditor_token
        self.batch_token = batch_token
        self.bank_file = bank_file  # imported once before the journey
        self.count = 0

    # --- helpers ---------------------------------------------------------

    def log(self, message):
        print("journey: " + message, flush=True)

    def wait(self, css, timeout=20):
        try:
            return WebDriverWait(self.d, timeout).until(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))
        except TimeoutException:
            self.shot("timeout")
            raise AssertionError("%s did not appear within %d s (url %s)" % (css, timeout, self.d.current_url))

    def wait_text(self, css, predicate, what, timeout=20):
        end = time.monotonic() + timeout
        text = None
        while time.monotonic() < end:
            try:  # the console repaints: an element found may be gone at once
                elements = self.d.find_elements(By.CSS_SELECTOR, css)
                text = elements[0].text if elements else None
            except StaleElementReferenceException:
                continue
            if text is not None and predicate(text):
                return text
            time.sleep(0.05)
        self.shot("timeout")
        raise AssertionError("%s: expected %s, saw %r" % (css, what, text))

    def gone(self, css, timeout=20):
        WebDriverWait(self.d, timeout).until(EC.invisibility_of_element_located((By.CSS_SELECTOR, css)))

    def shot(self, name):
        self.count += 1
        shot = self.d.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        path = os.path.join(self.shots, "%02d-%s.png" % (self.count, name))
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))

    def axe(self, name):
        """axe-core on the page as it is: no serious or critical violation."""
        if not self.d.execute_script("return typeof window.axe === 'object'"):
            self.d.execute_script(self.axe_js)
        violations = self.d.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']})"
            "  .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            "      nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))))"
            "  .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));")
        bad = [v for v in violations if v["impact"] in ("serious", "critical")]
        minor = [v["id"] for v in violations if v not in bad]
        self.log("axe %s: %d serious or critical, minor: %s" % (name, len(bad), minor or "none"))
        assert not bad, "axe-core on %s: %s" % (name, json.dumps(bad, indent=1, ensure_ascii=False))

    def console_errors(self):
        """Errors the page logged (a CSP refusal, a script error); a 4xx the
        console answered on purpose ("Failed to load resource") is not one."""
        errors = [e["message"] for e in self.d.get_log("browser")
                  if e["level"] == "SEVERE" and "Failed to load resource" not in e["message"]]
        assert not errors, "the browser logged errors: %s" % errors

    def text(self, css):
        return self.wait(css).text

    def keys(self, *keys):
        self.d.switch_to.active_element.send_keys(*keys)

    def refused_then(self, field_id, bad, error_css, expected, what, good):
        """Types `bad` into the field: the error appears next to it and the
        field is marked invalid; then types `good` instead."""
        self.d.find_element(By.ID, field_id).send_keys(bad, Keys.ENTER)
        self.wait_text(error_css, expected, what)
        field = self.d.find_element(By.ID, field_id)
        assert field.get_attribute("aria-invalid") == "true", "%s is not marked invalid" % field_id
        field.clear()
        field.send_keys(good, Keys.ENTER)

    def purpose_by_keyboard(self, details):
        """The purpose dialog, by keyboard alone: focus starts in it."""
        self.wait("dialog[open] #purpose-choice")
        assert self.d.switch_to.active_element.get_attribute("id") == "purpose-choice", \
            "focus is not in the purpose dialog"
        self.keys(Keys.TAB)
        self.keys(details)
        self.keys(Keys.TAB)
        assert self.d.switch_to.active_element.text in ("Continuer", "Verder", "Continue")
        self.keys(Keys.ENTER)
        self.gone("dialog[open]")

    # --- journeys --------------------------------------------------------

    def run(self):
        self.sign_in()
        self.find_and_open()
        self.record_payment()
        self.other_actions()
        self.statement_as_of()
        self.find_by_name()
        self.print_statement()
        self.work_list()
        self.suspense()
        self.languages()
        self.sign_out()
        self.auditor()
        self.sign_out()
        self.batch_runs()
        self.console_errors()

    def sign_in(self):
        self.d.get(self.base + "/")
        self.wait("#token")
        Select(self.d.find_element(By.ID, "language")).select_by_value("fr")
        self.wait_text("h1", lambda t: t == "Connexion", "the French sign-in page")
        assert self.d.execute_script("return document.documentElement.lang") == "fr"
        self.axe("sign-in")
        self.shot("sign-in")
        self.d.find_element(By.ID, "token").send_keys("not-a-token", Keys.ENTER)
        self.wait_text("#token-error", lambda t: "refusé" in t, "the refused token's message")
        token = self.d.find_element(By.ID, "token")
        token.clear()
        token.send_keys(self.token, Keys.ENTER)  # the keyboard signs in
        self.wait("#find-query")
        # Who is signed in, from GET /v1/session.
        assert re.match(r"^\S+ \(personnel\)$", self.text("#who")), self.text("#who")
        stored = self.d.execute_script("return [sessionStorage.getItem('kassa.token'), JSON.stringify(localStorage)]")
        assert stored[0] == self.token, "the token is not in sessionStorage"
        assert self.token not in stored[1], "the token is in localStorage"
        self.log("signed in")

    def find_and_open(self):
        self.axe("find")
        self.shot("find")
        self.refused_then("find-query", "12345678", "#find-error", lambda t: "NISS" in t, "the format error",
                          "85.07.30-033.28")
        self.wait("dialog[open]")
        self.axe("purpose dialog")
        self.shot("purpose")
        self.purpose_by_keyboard("rappel reçu")
        self.wait("#debt-table")
        assert self.d.current_url.endswith("#/person/" + self.party), self.d.current_url
        assert self.niss not in self.d.current_url
        assert self.text("#person-status") == "actif", self.text("#person-status")
        # The identity, decrypted by kassad for staff.
        # The title names the file, not the person (it reaches the history).
        assert self.text("h1").startswith("Dossier P"), self.text("h1")
        assert "Dewaele" not in self.d.title, self.d.title
        assert self.text("#person-name") == "Camille Dewaele"
        assert self.text("#identity-name") == "Camille Dewaele"
        assert self.text("#identity-niss") == "85.07.30-033.28", self.text("#identity-niss")
        assert re.match(r"^\d+$", self.text("#identity-member")), self.text("#identity-member")
        fr_amount(self.text("#person-outstanding"))
        comms = [e.text for e in self.d.find_elements(By.CSS_SELECTOR, "#debt-table td.communication")]
        assert comms and all(re.match(r"^\+\+\+\d{3}/\d{4}/\d{5}\+\+\+$", c) for c in comms), comms
        dues = [e.text for e in self.d.find_elements(By.CSS_SELECTOR, "#debt-table td.nowrap")]
        assert dues and all(re.match(r"^\d\d/\d\d/\d{4}$", d) for d in dues), dues
        self.wait("#statement-table")
        # Each line's rule in the page's language (the API gives it in English).
        explains = [e.text for e in self.d.find_elements(By.CSS_SELECTOR, "#statement-table td .explain")]
        assert "AR 38 art. 11-13 : cotisation trimestrielle" in explains, explains
        assert not any("quarterly contribution" in x or "fees on the" in x for x in explains), explains
        self.wait("#career-table")
        self.wait("#tax-section")
        self.axe("person's file")
        self.shot("file")
        self.log("found by NISS and opened %s: %d notices" % (self.party, len(comms)))

    def fill_payment(self, amount, bank_ref, communication):
        for name, value in (("amount", amount), ("bank-ref", bank_ref), ("communication", communication)):
            field = self.d.find_element(By.ID, "payment-" + name)
            field.clear()
            if value:
                field.send_keys(value)
        self.d.find_element(By.ID, "payment-submit").click()

    def record_payment(self):
        owed = fr_amount(self.text("#debt-total"))
        closing = self.text("#statement-closing")
        # The form's own check: no amount.
        self.fill_payment("", "", "")
        self.wait_text("#payment-amount-error", lambda t: t != "", "the amount's error")
        self.wait_text("#payment-bank-ref-error", lambda t: t != "", "the reference's error")
        assert self.d.switch_to.active_element.get_attribute("id") == "payment-amount"
        # The API's error, next to the field it names; by keyboard alone:
        # Enter in a field submits, focus starts on the dialog's confirm button.
        for name, value in (("amount", "100,00"), ("bank-ref", "CONSOLE-1"), ("communication", "+++000/0000/00000+++")):
            field = self.d.find_element(By.ID, "payment-" + name)
            field.clear()
            field.send_keys(value)
        self.keys(Keys.ENTER)
        self.wait("dialog[open] #confirm-action")
        assert self.d.switch_to.active_element.get_attribute("id") == "confirm-action"
        self.keys(Keys.ENTER)
        self.gone("dialog[open]")
        error = self.wait_text("#payment-communication-error", lambda t: t != "", "the API's error on communication")
        assert self.d.find_element(By.ID, "payment-communication").get_attribute("aria-invalid") == "true"
        self.shot("payment-api-error")
        self.log("the API's error is next to the communication: %r" % error)
        # The payment, confirmed with a double click: written once.
        self.fill_payment("100,00", "CONSOLE-2", "")
        confirm = self.wait("dialog[open] #confirm-action")
        dialog_text = self.text("dialog[open]")
        assert "100,00 €" in dialog_text, dialog_text
        self.axe("payment confirmation")
        self.shot("payment-confirm")
        ActionChains(self.d).double_click(confirm).perform()
        self.gone("dialog[open]")
        self.wait_text("#status", lambda t: "100,00 €" in t and "enregistré" in t, "the payment's confirmation")
        after = self.wait_text("#debt-total", lambda t: t and fr_amount(t) != owed, "the debt to change")
        assert fr_amount(after) == owed - self.payment, (owed, after)
        self.wait_text("#statement-closing", lambda t: t != closing, "the statement's closing balance to change")
        lines = self.statement_lines()
        payments = [l for l in lines if l.get("kind") == "payment" and l.get("reference") == "CONSOLE-2"]
        assert len(payments) == 1, "a double click wrote %d payments" % len(payments)
        # The allocation line says what the payment paid, of which debt.
        allocations = [e.text for e in self.d.find_elements(By.CSS_SELECTOR, "#statement-table .allocation")]
        assert any(re.match(r"^\d{4}-Q[1-4] cotisation 100,00 €$", a) for a in allocations), allocations
        self.axe("file after the payment")
        self.shot("payment-recorded")
        self.log("payment recorded once: owed %s -> %s" % (owed, fr_amount(after)))

    def fill(self, prefix, values):
        for name, value in values:
            field = self.d.find_element(By.ID, prefix + "-" + name)
            field.clear()
            if value:
                field.send_keys(value)

    def confirm(self, expected_in_dialog):
        confirm = self.wait("dialog[open] #confirm-action")
        text = self.text("dialog[open]")
        assert all(x in text for x in expected_in_dialog), (expected_in_dialog, text)
        confirm.click()
        self.gone("dialog[open]")

    def open_form(self, prefix):
        """Unfolds the form `prefix` unless it is open already."""
        if self.d.find_element(By.ID, prefix + "-details").get_attribute("open") is None:
            self.d.find_element(By.ID, prefix + "-title").click()
        self.wait("#%s-details[open] #%s-submit" % (prefix, prefix))

    def requests_rows(self):
        return [[c.text for c in r.find_elements(By.CSS_SELECTOR, "th, td")]
                for r in self.d.find_elements(By.CSS_SELECTOR, "#requests-table tbody tr")]

    def plan_granted(self, quarter):
        """A plan asked for again, then granted in two instalments that add
        up to what was asked (a wrong line refused by the form first)."""
        self.open_form("plan")
        self.fill("plan", (("quarters", quarter), ("instalments", "2")))
        self.d.find_element(By.ID, "plan-submit").click()
        self.confirm(["2 échéances", quarter])
        self.wait_text("#person-plan", lambda t: t == "demandé", "the second plan request in the file")
        asked = [r for r in self.requests_rows() if r[0].startswith("plan de paiement") and r[3] == "en attente"]
        assert len(asked) == 1, self.requests_rows()
        total = fr_amount(asked[0][5])
        first = (total / 2).quantize(Decimal("0.01"))
        second = total - first
        today = datetime.date.today()
        dues = [(today + datetime.timedelta(days=d)).strftime("%d/%m/%Y") for d in (30, 60)]
        self.open_form("plan-grant")
        self.fill("plan-grant", (("plan-ref", "PLAN-CONSOLE-1"), ("instalments", dues[0])))
        self.d.find_element(By.ID, "plan-grant-submit").click()
        self.wait_text("#plan-grant-instalments-error", lambda t: "31/01/2027 250,00" in t,
                       "the instalments' format error")
        french = lambda x: str(x).replace(".", ",")
        self.fill("plan-grant", (("instalments", "%s %s; %s %s" % (dues[0], french(first), dues[1], french(second))),))
        self.d.find_element(By.ID, "plan-grant-submit").click()
        self.confirm(["2 échéances", french(total), dues[1]])
        self.wait_text("#person-plan", lambda t: t == "accordé", "the granted plan in the file")
        granted = [r for r in self.requests_rows() if r[0].startswith("plan de paiement") and r[3] == "accordée"]
        assert len(granted) == 1 and "PLAN-CONSOLE-1" in granted[0][0], self.requests_rows()
        assert fr_amount(granted[0][5]) == total, granted

    def benefit_refused(self):
        """A bridging right claimed after a bankruptcy, then refused with
        the reason and the appeal the letter carries."""
        self.open_form("benefit-claim")
        Select(self.d.find_element(By.ID, "benefit-claim-kind")).select_by_value("bridging_right")
        Select(self.d.find_element(By.ID, "benefit-claim-ground")).select_by_value("bankruptcy")
        event = (datetime.date.today() - datetime.timedelta(days=20)).strftime("%d/%m/%Y")
        self.fill("benefit-claim", (("event-date", event), ("claim-ref", "CLAIM-CONSOLE-1")))
        self.d.find_element(By.ID, "benefit-claim-submit").click()
        self.confirm(["droit passerelle", "faillite", event, "CLAIM-CONSOLE-1"])
        self.wait_text("#requests-table", lambda t: "droit passerelle" in t, "the claim among the requests")
        self.open_form("benefit-refusal")
        self.fill("benefit-refusal", (("claim-ref", "CLAIM-CONSOLE-1"), ("reason-code", "NOT_INSOLVENT"),
                                      ("reason", "La faillite n'est pas établie."),
                                      ("appeal-body", "Tribunal du travail de Liège"),
                                      ("appeal-deadline", "30/06/2027")))
        self.d.find_element(By.ID, "benefit-refusal-submit").click()
        self.confirm(["Tribunal du travail de Liège", "30/06/2027"])
        self.wait_text("#requests-table", lambda t: "La faillite n'est pas établie." in t, "the benefit's refusal")
        refused = [r for r in self.requests_rows() if r[0].startswith("droit passerelle")]
        assert len(refused) == 1 and refused[0][3] == "refusée", self.requests_rows()
        assert "Tribunal du travail de Liège" in refused[0][6] and "30/06/2027" in refused[0][6], refused

    def other_actions(self):
        """The file's other commands, each folded under its title: opened by
        keyboard, checked by the form, confirmed naming what is written,
        then seen in the file; an API refusal lands next to its field."""
        quarter = self.d.find_elements(By.CSS_SELECTOR, "#debt-table tbody th")[0].text
        assert re.match(r"^\d{4}-Q[1-4]$", quarter), quarter
        assert self.text("#person-contact") == "non"
        # A personal contact: Enter on the folded title opens the form.
        self.d.execute_script("arguments[0].focus()", self.d.find_element(By.ID, "contact-title"))
        self.keys(Keys.ENTER)
        self.wait("#contact-details[open] #contact-on")
        self.axe("other actions")
        self.shot("other-actions")
        Select(self.d.find_element(By.ID, "contact-channel")).select_by_value("visit")
        self.fill("contact", (("notes-ref", "DOSSIER-7"),))
        self.d.find_element(By.ID, "contact-submit").click()
        self.confirm(["visite à domicile", "DOSSIER-7", "oui"])
        self.wait_text("#status", lambda t: "Contact personnel enregistré" in t, "the contact's confirmation")
        self.wait_text("#person-contact", lambda t: t == "oui", "the contact in the file")
        # Focus stays with the form just used (its folded title), not at the page's top.
        assert self.d.switch_to.active_element.get_attribute("id") == "contact-title", \
            self.d.switch_to.active_element.get_attribute("id")
        assert self.d.find_element(By.ID, "contact-details").get_attribute("open") is not None, \
            "the form folded on repaint"
        # A payment plan asked for: the form's own check, then the request.
        self.d.find_element(By.ID, "plan-title").click()
        self.fill("plan", (("quarters", "2025-T1"), ("instalments", "6")))
        self.d.find_element(By.ID, "plan-submit").click()
        self.wait_text("#plan-quarters-error", lambda t: "2025-Q1" in t, "the quarters' format error")
        assert self.d.switch_to.active_element.get_attribute("id") == "plan-quarters"
        self.fill("plan", (("quarters", quarter.lower()),))
        self.keys(Keys.ENTER)
        self.confirm(["6 échéances", quarter])
        self.wait_text("#person-plan", lambda t: t == "demandé", "the plan request in the file")
        # Refused, with the reason and the appeal the letter carries.
        self.d.find_element(By.ID, "plan-refusal-title").click()
        self.fill("plan-refusal", (("reason-code", "NO_GUARANTEE"),
                                   ("reason", "Les plans antérieurs n'ont pas été respectés."),
                                   ("appeal-body", "Tribunal du travail de Bruxelles"),
                                   ("appeal-deadline", "31/03/2027")))
        self.d.find_element(By.ID, "plan-refusal-submit").click()
        self.confirm(["Tribunal du travail de Bruxelles", "31/03/2027"])
        self.wait_text("#person-plan", lambda t: t == "refusé", "the refusal in the file")
        # The refusal among the requests, with its reason and appeal.
        row = self.wait_text("#requests-table tbody tr:last-child", lambda t: "refusée" in t,
                             "the refused plan among the requests")
        assert quarter in row and "plan de paiement" in row, row
        appeal = self.text("#requests-table tbody tr:last-child td.appeal")
        assert "Les plans antérieurs n'ont pas été respectés." in appeal, appeal
        assert "Tribunal du travail de Bruxelles" in appeal and "31/03/2027" in appeal, appeal
        self.plan_granted(quarter)
        self.benefit_refused()
        # A refund to an account the fund does not know: the API's rule,
        # next to the IBAN field.
        self.d.find_element(By.ID, "refund-title").click()
        self.fill("refund", (("amount", "10,00"), ("refund-ref", "CONSOLE-R1")))
        self.d.find_element(By.ID, "refund-submit").click()
        self.confirm(["10,00 €"])
        error = self.wait_text("#refund-iban-error", lambda t: "IBAN" in t and "compte" in t,
                               "the API's rule in French, on the IBAN")
        assert self.d.find_element(By.ID, "refund-iban").get_attribute("aria-invalid") == "true"
        # The account the refund lacked, and a new address: the form's
        # fields are only those that change; the API's rule about a part of
        # the address lands next to that part.
        self.d.find_element(By.ID, "personal-title").click()
        self.fill("personal", (("street", "Rue Neuve"), ("number", "12"), ("postal-code", "100"),
                               ("city", "Bruxelles"), ("iban", "BE71 0961 2345 6769")))
        self.d.find_element(By.ID, "personal-submit").click()
        self.confirm(["Rue Neuve", "Bruxelles", "BE71 0961 2345 6769"])
        self.wait_text("#personal-postal-code-error", lambda t: "code postal" in t,
                       "the API's rule in French, on the postal code")
        assert self.d.switch_to.active_element.get_attribute("id") == "personal-postal-code"
        self.fill("personal", (("postal-code", "1000"),))
        self.d.find_element(By.ID, "personal-submit").click()
        self.confirm(["1000", "BE71 0961 2345 6769"])
        self.wait_text("#status", lambda t: "Données personnelles modifiées" in t, "the change's confirmation")
        self.wait_text("#identity-address", lambda t: t == "Rue Neuve 12, 1000 Bruxelles, BE",
                       "the new address in the identity")
        assert self.text("#identity-iban") == "BE71096123456769", self.text("#identity-iban")
        self.axe("file after the other actions")
        self.shot("other-actions-done")
        self.log("contact, plan asked and refused, asked and granted; a bridging right claimed and refused; "
                 "refund refused: %r; address and account changed" % error)

    def statement_as_of(self):
        """The statement as the fund knew it yesterday: the person was
        registered, assessed and paid today, so nothing yet; then now again."""
        yesterday = (datetime.date.today() - datetime.timedelta(days=1)).strftime("%d/%m/%Y")
        field = self.d.find_element(By.ID, "statement-at")
        field.clear()
        field.send_keys(yesterday, Keys.ENTER)
        self.wait_text("#statement-as-of", lambda t: yesterday in t, "the statement as of yesterday")
        assert self.text("#statement-closing") == "0,00 €", self.text("#statement-closing")
        self.axe("statement as of a date")
        field = self.d.find_element(By.ID, "statement-at")
        field.clear()
        field.send_keys(Keys.ENTER)
        self.gone("#statement-as-of")
        assert self.text("#statement-closing") != "0,00 €"
        self.log("statement as of %s: nothing decided yet" % yesterday)
        # The statement as a CSV file, as a spreadsheet would open it.
        self.d.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": self.shots})
        self.d.find_element(By.ID, "statement-csv").click()
        path = os.path.join(self.shots, "statement-%s.csv" % self.party)
        end = time.monotonic() + 20
        while not os.path.exists(path) and time.monotonic() < end:
            time.sleep(0.1)
        assert os.path.exists(path), "no statement-%s.csv downloaded" % self.party
        with open(path, newline="") as f:
            rows = list(csv.reader(f))
        assert rows[0] == ["date", "kind", "debt", "description", "reference", "communication", "debit",
                           "credit", "balance"], rows[0]
        paid = [r for r in rows[1:] if r[1] == "payment" and r[4] == "CONSOLE-2"]
        assert len(paid) == 1 and paid[0][7] == "100.00", rows
        # The descriptions in the console's language, French here.
        assert paid[0][3] == "paiement reçu", paid[0]
        contributions = [r for r in rows[1:] if r[1] == "contribution"]
        assert contributions and all(r[3] == "cotisation " + r[2] for r in contributions), contributions
        self.log("statement downloaded as CSV: %d lines" % (len(rows) - 1))

    def find_by_name(self):
        """A demo person found by name typed as after a phone call (upper
        case, last name first); the list tells homonyms apart; the file
        opens from a row with the purpose given for the search."""
        first, last = self.demo["first_name"], self.demo["last_name"]
        self.d.find_element(By.CSS_SELECTOR, "a[href='#/find']").click()
        field = self.wait("#find-query")
        field.send_keys("%s %s" % (last.upper(), first), Keys.ENTER)
        self.wait("dialog[open]")
        self.purpose_by_keyboard("courrier du membre")
        self.wait("#find-table")
        self.axe("find results")
        self.shot("find-results")
        rows = self.d.find_elements(By.CSS_SELECTOR, "#find-table tbody tr")
        names = [r.find_element(By.CSS_SELECTOR, "th").text for r in rows]
        # Homonyms are listed too ("Desmet" also finds "De Smet").
        assert "%s %s" % (first, last) in names and all(n.startswith(first + " ") for n in names), names
        wanted = "#/person/" + self.demo["party_id"]
        links = [a for a in self.d.find_elements(By.CSS_SELECTOR, "#find-table tbody th a")
                 if a.get_attribute("href").endswith(wanted)]
        assert len(links) == 1, "the demo person is not listed once: %s" % names
        assert self.d.switch_to.active_element.text == self.text("#find-results-title"), \
            "focus did not move to the results"
        links[0].click()
        self.wait_text("#identity-name", lambda t: t == "%s %s" % (first, last), "the demo person's name")
        assert not self.d.find_elements(By.CSS_SELECTOR, "dialog[open]"), "the purpose was asked twice"
        assert self.d.current_url.endswith(wanted), self.d.current_url
        assert self.text("#person-name") == "%s %s" % (first, last), self.text("#person-name")
        self.wait("#statement-table")
        self.log("found %s by name among %d" % (self.demo["party_id"], len(names)))

    def statement_lines(self):
        req = urllib.request.Request(self.base + "/v1/persons/%s/statement?limit=10000" % self.party)
        req.add_header("Authorization", "Bearer " + self.token)
        req.add_header("X-Kassa-Purpose", "console test: check the payment")
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())["lines"]

    def print_statement(self):
        self.d.execute_script("document.body.dataset.print = 'statement'")
        self.d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        assert not self.d.find_element(By.ID, "payment-section").is_displayed()
        assert self.d.find_element(By.ID, "statement-table").is_displayed()
        self.shot("statement-print")
        pdf = self.d.execute_cdp_cmd("Page.printToPDF", {"printBackground": False})
        with open(os.path.join(self.shots, "statement.pdf"), "wb") as f:
            f.write(base64.b64decode(pdf["data"]))
        self.d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        self.d.execute_script("delete document.body.dataset.print")
        self.log("statement printed to statement.pdf")

    def work_list(self):
        self.d.find_element(By.CSS_SELECTOR, "a[href='#/work-list']").click()
        self.wait("dialog[open]")
        self.purpose_by_keyboard("tournée du matin")
        self.wait("#worklist-table")
        totals = self.text("#worklist-totals")
        count = int(re.match(r"^(\d+) débiteurs", totals).group(1))
        rows = self.d.find_elements(By.CSS_SELECTOR, "#worklist-table tbody tr")
        assert len(rows) == min(count, 20), (count, len(rows))
        assert count > 20, "the demo population has %d debtors: too few to page" % count
        self.axe("work-list")
        self.shot("work-list")
        first = rows[0].text
        self.d.find_element(By.ID, "worklist-next").click()
        self.wait_text("#worklist-page", lambda t: t == "Page 2", "the second page")
        second = self.d.find_elements(By.CSS_SELECTOR, "#worklist-table tbody tr")
        assert second and second[0].text != first
        self.shot("work-list-page-2")
        self.d.find_element(By.ID, "worklist-previous").click()
        self.wait_text("#worklist-page", lambda t: t == "Page 1", "the first page again")
        # Filters: a bad amount is refused next to its field; then the
        # debtors with a plan granted who were contacted: the person whose
        # plan this journey refused, then granted, after a home visit.
        self.d.find_element(By.ID, "worklist-min").send_keys("beaucoup", Keys.ENTER)
        self.wait_text("#worklist-min-error", lambda t: "1 234,56" in t, "the amount's format error")
        assert self.d.find_element(By.ID, "worklist-min").get_attribute("aria-invalid") == "true"
        self.d.find_element(By.ID, "worklist-min").clear()
        Select(self.d.find_element(By.ID, "worklist-plan")).select_by_value("granted")
        Select(self.d.find_element(By.ID, "worklist-contact")).select_by_value("true")
        self.d.find_element(By.ID, "worklist-min").send_keys("100", Keys.ENTER)
        filtered = self.wait_text("#worklist-totals", lambda t: t != totals, "the filtered totals")
        n = int(re.match(r"^(\d+) débiteur", filtered).group(1))
        rows = self.d.find_elements(By.CSS_SELECTOR, "#worklist-table tbody tr")
        assert n == len(rows) and n >= 1, (filtered, len(rows))
        links = [r.find_element(By.CSS_SELECTOR, "th a").text for r in rows]
        assert self.party in links, links
        assert all("accordé" in r.text and " oui " in " %s " % r.text for r in rows), [r.text for r in rows]
        self.axe("work-list filtered")
        self.shot("work-list-filtered")
        Select(self.d.find_element(By.ID, "worklist-plan")).select_by_value("")
        Select(self.d.find_element(By.ID, "worklist-contact")).select_by_value("")
        self.d.find_element(By.ID, "worklist-min").clear()
        self.d.find_element(By.ID, "worklist-min").send_keys(Keys.ENTER)
        self.wait_text("#worklist-totals", lambda t: t == totals, "the whole list again")
        # A debtor's file from the list: its own purpose, then its statement's pages.
        self.d.find_element(By.CSS_SELECTOR, "#worklist-table tbody tr a").click()
        self.wait("dialog[open]")
        self.d.find_element(By.CSS_SELECTOR, "dialog[open] button[type=submit]").click()
        self.wait("#statement-table")
        if self.d.find_element(By.ID, "statement-next").is_enabled():
            first_line = self.text("#statement-table tbody tr")
            self.d.find_element(By.ID, "statement-next").click()
            self.wait_text("#statement-table tbody tr", lambda t: t != first_line, "the statement's next page")
            self.shot("debtor-statement-page-2")
        self.log("work-list: %s; paged" % totals)

    def suspense(self):
        self.d.find_element(By.CSS_SELECTOR, "a[href='#/suspense']").click()
        self.wait("dialog[open]")
        self.d.find_element(By.CSS_SELECTOR, "dialog[open] button[type=submit]").click()
        self.wait("#suspense-table")
        before = int(re.match(r"^(\d+) lignes en suspens", self.text("#suspense-totals")).group(1))
        first = self.d.find_elements(By.CSS_SELECTOR, "#suspense-table tbody tr")[0]
        bank_ref = first.find_element(By.CSS_SELECTOR, "th").text
        amount = first.find_element(By.CSS_SELECTOR, "td.num").text
        self.axe("suspense")
        self.shot("suspense")
        first.find_element(By.CSS_SELECTOR, "button.match").click()
        self.wait("#suspense-payer")
        assert self.d.switch_to.active_element.get_attribute("id") == "suspense-payer"
        self.keys("nobody", Keys.ENTER)
        self.wait_text("#suspense-payer-error", lambda t: t != "", "the payer's format error")
        payer = self.d.find_element(By.ID, "suspense-payer")
        payer.clear()
        payer.send_keys("85.07.30-033.28", Keys.ENTER)
        self.wait("dialog[open] #confirm-action")
        assert amount in self.text("dialog[open]"), (amount, self.text("dialog[open]"))
        self.axe("match confirmation")
        ActionChains(self.d).double_click(self.d.find_element(By.ID, "confirm-action")).perform()
        self.gone("dialog[open]")
        self.wait_text("#status", lambda t: amount in t and self.party in t, "the match's confirmation")
        self.wait_text("#suspense-totals", lambda t: t.startswith("%d lignes" % (before - 1)), "one line fewer")
        self.shot("suspense-matched")
        # Watch it book: the payer's file (its purpose was given at the start).
        self.d.find_element(By.CSS_SELECTOR, "#suspense-booked a").click()
        self.wait("#statement-table")
        # The line's reference is the communication the bank sent, not the
        # bank line's id: find it by its amount.
        credit = str(fr_amount(amount))
        payments = [l for l in self.statement_lines() if l.get("kind") == "payment" and l.get("credit") == credit]
        assert len(payments) == 1, "the match booked %d payments of %s: %s" % (len(payments), credit, payments)
        # The file was read with the match's min_offset: the payment is on it.
        self.wait_text("#statement-table", lambda t: amount in t, "the booked payment in the statement")
        self.shot("suspense-booked-file")
        self.log("matched %s of %s to the person; %d lines left in suspense" % (amount, bank_ref, before - 1))

    def languages(self):
        Select(self.d.find_element(By.ID, "language")).select_by_value("nl")
        self.wait_text("h1", lambda t: t.startswith("Dossier"), "the Dutch file")
        self.wait_text("#statement-title", lambda t: t == "Rekeninguittreksel", "the Dutch statement")
        outstanding = self.text("#person-outstanding")
        assert NL_MONEY.match(outstanding), outstanding
        assert self.d.execute_script("return document.documentElement.lang") == "nl"
        self.axe("file in Dutch")
        self.shot("file-nl")
        Select(self.d.find_element(By.ID, "language")).select_by_value("en")
        self.wait_text("#statement-title", lambda t: t == "Account statement", "the English statement")
        self.log("switched to Dutch and English")
        # 200 % zoom on a 1280 px screen: the page reflows in 640 CSS px, only
        # wide tables scroll, inside their own focusable region.
        self.d.set_window_size(640, 1000)
        time.sleep(0.3)
        width = self.d.execute_script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], "the file does not reflow at 640 px: %s" % width
        self.axe("file at 640 px")
        self.shot("file-640px")
        self.d.set_window_size(1280, 1000)

    def auditor(self):
        """An auditor signs in (the page is in English since languages()):
        the navigation offers the access log, not the staff's lists; the
        file's reads made by staff above are in it with their purpose; the
        file opened from it shows the events with their lineage and no
        payment form."""
        token = self.wait("#token")
        token.send_keys(self.auditor_token, Keys.ENTER)
        self.wait("#find-query")
        assert self.text("#who").endswith("(auditor)"), self.text("#who")
        assert not self.d.find_elements(By.CSS_SELECTOR, "a[href='#/suspense']"), "auditors see the suspense list"
        self.d.find_element(By.ID, "find-query").send_keys("Dewaele", Keys.ENTER)
        self.wait_text("#find-error", lambda t: "staff" in t, "names are the staff's")
        self.d.find_element(By.CSS_SELECTOR, "a[href='#/access-log']").click()
        self.wait("#access-filter")
        self.refused_then("access-party", "not-a-party", "#access-party-hint", lambda t: "PartyId" in t,
                          "the PartyId format error", self.party)
        self.wait("#access-table")
        self.axe("access log")
        self.shot("access-log")
        rows = [[c.text for c in r.find_elements(By.CSS_SELECTOR, "th, td")]
                for r in self.d.find_elements(By.CSS_SELECTOR, "#access-table tbody tr")]
        assert rows and all(r[2] == self.party for r in rows), rows
        assert any(r[3] == "POST /v1/persons/lookup" and r[4].endswith("rappel reçu") for r in rows), rows
        self.d.find_element(By.CSS_SELECTOR, "#access-table tbody tr a").click()
        self.purpose_by_keyboard("contrôle des accès")
        self.wait("#events-table")
        assert not self.d.find_elements(By.ID, "payment-section"), "an auditor is offered the payment form"
        assert not self.d.find_elements(By.ID, "identity-niss"), "an auditor sees the NISS"
        events = [[c.text for c in r.find_elements(By.CSS_SELECTOR, "th, td")]
                  for r in self.d.find_elements(By.CSS_SELECTOR, "#events-table tbody tr")]
        assert events[0][0] == "1" and events[0][1] == "PersonRegistered", events[0]
        assert all(re.match(r"^…[0-9a-f]{8}$", e[5]) for e in events), [e[5] for e in events]
        assert len({e[5] for e in events}) > 1, "every event shows one cause"
        assert any(e[1] == "PaymentReceived" for e in events), [e[1] for e in events]
        self.axe("file as auditor")
        self.shot("file-auditor")
        self.log("auditor: %d reads of the file in the access log, %d events with lineage" % (
            len(rows), len(events)))

    def runs_rows(self):
        """The run board's rows; it is painted again every second while
        something runs, so a read that meets a repaint reads again."""
        for _ in range(20):
            try:
                return [[c.text for c in r.find_elements(By.CSS_SELECTOR, "th, td")]
                        for r in self.d.find_elements(By.CSS_SELECTOR, "#runs-table tbody tr")]
            except StaleElementReferenceException:
                time.sleep(0.1)
        raise AssertionError("the run board never held still")

    def batch_runs(self):
        """The batch operator signs in and lands on the runs: the board shows
        the assessment run made before the journey; a quarter typed wrong is
        refused next to its field; a reminders run, confirmed with its
        progress shown, finishes and heads the board; the bank file imported
        before the journey, imported again, books nothing twice."""
        token = self.wait("#token")
        token.send_keys(self.batch_token, Keys.ENTER)
        self.wait("#runs-table")
        assert self.text("#who").endswith("(batch)"), self.text("#who")
        nav = [a.get_attribute("href").split("#")[1] for a in self.d.find_elements(By.CSS_SELECTOR, "nav a")]
        assert nav == ["/runs"], nav
        rows = self.runs_rows()
        assert rows and rows[-1][1] == "Assessment" and rows[-1][3] == "Done", rows
        self.axe("runs")
        self.shot("runs")
        # The assessment's quarter, typed as people write it wrong.
        self.d.find_element(By.ID, "run-assessment-title").click()
        quarter = self.wait("#run-assessment-quarter")
        quarter.clear()
        quarter.send_keys("2025Q1", Keys.ENTER)
        self.wait_text("#run-assessment-quarter-error", lambda t: "2025-Q1" in t, "the quarter's format")
        quarter = self.d.find_element(By.ID, "run-assessment-quarter")  # painted again
        assert quarter.get_attribute("aria-invalid") == "true"
        assert self.d.switch_to.active_element.get_attribute("id") == "run-assessment-quarter"
        self.d.find_element(By.ID, "run-assessment-title").click()  # folded again
        # Reminders as of today, by keyboard alone: Enter on the folded
        # title opens the form, Tab reaches its date (today), Enter checks
        # it; the confirmation, with the run's progress, starts on its
        # button, and Enter runs it.
        self.d.execute_script("arguments[0].focus()", self.d.find_element(By.ID, "run-reminders-title"))
        self.keys(Keys.ENTER)
        self.wait("#run-reminders-details[open] #run-reminders-date")
        self.keys(Keys.TAB)
        assert self.d.switch_to.active_element.get_attribute("id") == "run-reminders-date"
        self.keys(Keys.ENTER)
        self.wait("dialog[open] #run-progress")
        self.axe("run confirmation")
        self.shot("run-confirmation")
        assert self.d.switch_to.active_element.get_attribute("id") == "confirm-action", \
            self.d.switch_to.active_element.get_attribute("id")
        self.keys(Keys.ENTER)
        self.wait("#runs-result")
        self.wait_text("#runs-table tbody tr:first-child", lambda t: "Reminders" in t and "Done" in t,
                       "the reminders run, done, first on the board")
        facts = dict(zip([e.text for e in self.d.find_elements(By.CSS_SELECTOR, "#runs-result-facts dt")],
                         [e.text for e in self.d.find_elements(By.CSS_SELECTOR, "#runs-result-facts dd")]))
        assert facts.get("Run") == "Reminders", facts
        assert int(facts.get("Considered", "0")) >= 1, facts
        rows = self.runs_rows()
        assert len(rows) >= 2 and rows[0][1] == "Reminders" and rows[0][3] == "Done", rows
        assert rows[0][4] == facts["Considered"] and rows[0][6] == facts["Events written"], (rows[0], facts)
        # The same bank file again: nothing booked twice.
        self.d.find_element(By.ID, "import-file").send_keys(self.bank_file)
        self.d.find_element(By.ID, "import-submit").click()
        self.wait("#import-result")
        submit = self.d.find_element(By.ID, "import-submit")
        assert submit.is_enabled() and submit.text == "Import", submit.text  # ready for the next file
        facts = dict(zip([e.text for e in self.d.find_elements(By.CSS_SELECTOR, "#import-result-facts dt")],
                         [e.text for e in self.d.find_elements(By.CSS_SELECTOR, "#import-result-facts dd")]))
        assert facts.get("Format") == "camt.053", facts
        credits = int(facts["Credits"])
        assert credits >= 2, facts
        assert int(facts["Credits of a known payer"]) + int(facts["Credits for the suspense account"]) == credits, facts
        assert facts["Credits already recorded (not booked again)"] == facts["Credits"], facts
        assert facts["Events written"] == "0", facts
        # Both imports on the board, this one first, done.
        self.wait_text("#runs-table tbody tr:first-child", lambda t: "Bank import" in t and "Done" in t,
                       "the import, done, first on the board")
        rows = self.runs_rows()
        imports = [r for r in rows if r[1] == "Bank import"]
        assert len(imports) == 2 and rows[0] == imports[0], rows
        assert rows[0][3] == "Done" and rows[0][4] == facts["Credits"] and rows[0][6] == "0", rows[0]
        self.axe("runs after a run and an import")
        self.shot("runs-done")
        self.log("batch: reminders run %s, %s events; the bank file again: %s credits already recorded" % (
            rows[0][0], rows[0][6], facts["Credits"]))

    def sign_out(self):
        self.d.find_element(By.ID, "sign-out").click()
        self.wait("#token")
        assert self.d.execute_script("return sessionStorage.getItem('kassa.token')") is None
        with urllib.request.urlopen(self.base + "/", timeout=10) as r:
            assert r.headers["Cache-Control"] == "no-store", r.headers["Cache-Control"]
        self.log("signed out")
