"""Issue 14's statement meets issue 15's languages: the page, PDF and CSV are written in the
reader's language (numbers formatted for it on the page and PDF, plain in the CSV)."""

import csv
import io
import re

from tests.money.test_statement import PERIOD, account  # noqa: F401 (a fixture)
from tests.pdf.pdftools import page_texts

FRENCH = {"Accept-Language": "fr"}
GERMAN = {"Accept-Language": "de"}


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(page_texts(pdf)).split())


def main_text(response) -> str:
    assert response.status_code == 200, response.status_code
    main = re.search(r"<main.*</main>", response.get_data(as_text=True), re.S).group()
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def test_the_statement_page_pdf_and_csv_are_french(account):  # noqa: F811
    client, tag = account
    page = main_text(client.get(f"/statement?{PERIOD}", headers=FRENCH))
    assert "Relevé de compte" in page and "Solde d’ouverture" in page and "Solde de clôture" in page
    assert "Télécharger le CSV" in page and "Plus de 90 jours" in page
    assert re.search(r"Solde d’ouverture 0,00\s\$US", page), page  # French number format

    pdf = client.get(f"/statement/pdf?{PERIOD}", headers=FRENCH)
    assert pdf.status_code == 200
    assert 'filename="Releve-2026-03-01-2026-12-31.pdf"' in pdf.headers["Content-Disposition"]
    text = pdf_text(pdf.data)
    assert "RELEVÉ DE COMPTE" in text and "Solde d’ouverture" in text and "Opening balance" not in text

    response = client.get(f"/statement.csv?{PERIOD}", headers=FRENCH)
    assert 'filename="Releve-2026-03-01-2026-12-31.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["devise", "date", "type", "référence", "facture", "montant", "solde"]
    usd = [row for row in rows[1:] if row[0] == "USD"]
    assert [row[2] for row in usd] == ["Solde d’ouverture", "Facture", "Paiement", "Remboursement",
                                       "Solde de clôture"]
    assert usd[1][5] == "200.00", "amounts stay plain decimals for spreadsheets"


def test_a_bad_period_is_refused_in_german(account):  # noqa: F811
    client, _ = account
    response = client.get("/statement?from=31.01.2026", headers=GERMAN)
    assert response.status_code == 400
    assert "Daten werden wie 2026-01-31 geschrieben" in response.get_data(as_text=True)
