"""A fresh English evaluation set generated with presidio-evaluator's PresidioSentenceFaker (issue 14).

The templates below were written on 30 Nov 2026, before tuning, and are NOT Presidio's shipped
templates (../shared/data/presidio_synth was generated from those, and earlier work tuned on
them). Four template families, each a different register:
  A  customer-service requests            (tune)
  B  e-mails and letters                  (tune)
  C  call-centre / CRM notes, informal     (report: held out entirely)
  D  clinical, HR, form and IT-ticket text (report: held out entirely)
The literal codes inside templates (invoice, order, form, error, version numbers) are not
personal data and are gold "O".

presidio-evaluator pins its own dependency versions, so it lives in its own venv and is used
only to generate the data:
  python3.11 -m venv /work/venvs/pe && /work/venvs/pe/bin/pip install presidio-evaluator==0.3.2
  /work/venvs/pe/bin/python benchmarks/eval_sets/english.py     # writes english.jsonl.gz
The gzipped JSONL (text, spans [start, end, entity_type], template_id, family, part) is committed.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

OUT = Path(__file__).with_name("english.jsonl.gz")
N_TUNE, N_REPORT = 1000, 5000
LOWER_CASE_RATIO = 0.15

FAMILIES = {
    "A": [
        "Hi, this is {{person}}. I moved to {{address}} and need my statements sent there.",
        "Can you tell me why card {{credit_card_number}} was declined at the pharmacy on {{date_time}}?",
        "My son {{first_name}} is {{age}} and wants his own account, can I open it from {{city}}?",
        "Please stop calling {{phone_number}}, I already paid invoice INV-20931.",
        "I need the refund for order 4471-2290-18 to go to {{iban}} instead.",
        "The app shows someone else's name, {{person}}, on my profile since version 4.2.1.",
        "Is there a branch near {{street_name}} in {{city}}? I'm {{first_name}} {{last_name}}.",
        "Update my email to {{email}} and keep {{phone_number}} as the backup number.",
        "My social security number {{ssn}} appears on a letter I never asked for.",
        "I was born {{date_of_birth}} but your form says otherwise, please fix it for {{person}}.",
    ],
    "B": [
        "Dear {{prefix_male}} {{last_name}},\nthank you for your letter of {{date_time}}. We have updated your file.",
        "Best regards,\n{{person}}\n{{address}}\n{{phone_number}}",
        "From: {{email}}\nSubject: account closure\nPlease close my account, {{person}}.",
        "To whom it may concern, {{person}} ({{nationality}}) has worked with us since {{year}}.",
        "Hello {{first_name}}, your parcel to {{city}}, {{country}} left our depot today.",
        "Kind regards, {{first_name}} | {{organization}} | mobile {{phone_number}}",
        "We wrote to {{address}} on {{date_time}} but the letter came back.",
        "Attached is the statement for IBAN {{iban}} requested by {{person}}.",
        "Please confirm the new delivery address for {{first_name}}: {{address}}.",
        "Reference OMB No. 0938-1051. Applicant: {{person}}, SSN {{ssn}}.",
    ],
    "C": [
        "Callback requested by {{person}} about her invoice, best number {{phone_number}}.",
        "spoke to {{first_name}} re: missing refund, said she lives in {{city}} now",
        "Customer {{person}} ({{email}}) disputes charge on card ending {{credit_card_number}}.",
        "{{person}} called from {{phone_number}}, wants the contract moved to {{address}}.",
        "Left voicemail for {{first_name}} {{last_name}}; will retry tomorrow after 2pm.",
        "caller gave DOB {{date_of_birth}} and postcode {{zipcode}}, verified as {{person}}",
        "Escalated ticket #58213 for {{person}}, error E-4012-0031 when paying from {{iban}}.",
        "{{first_name}} says her husband {{person}} handles the account, {{age}} years old.",
        "New lead: {{person}}, {{organization}}, {{city}}, {{phone_number}}",
        "Chat transcript: user {{email}} asked to delete everything linked to {{ip_address}}.",
    ],
    "D": [
        "Patient {{person}}, {{age}}, presented at the clinic in {{city}} on {{date_time}}.",
        "Employee: {{person}}\nAddress: {{address}}\nPhone: {{phone_number}}",
        "Form W-2 (OMB No. 1545-0008) filed for {{person}}, SSN {{ssn}}.",
        "Ticket INC-0045821: login fails for {{email}} from {{ip_address}} after update 11.3.0.",
        "Next of kin: {{person}}, reachable at {{phone_number}}, lives on {{street_name}}.",
        "Referral letter for {{prefix_male}} {{person}} (DOB {{date_of_birth}}) from Dr. {{last_name}}.",
        "Payroll change: salary for {{first_name}} {{last_name}} now paid to {{iban}}.",
        "Visitor log: {{person}} from {{country}}, badge 7731, escorted by {{first_name}}.",
        "Incident report {{date_time}}: {{person}} slipped near {{address}}; witness {{person}}.",
        "Applicant {{person}}, {{nationality}}, {{age}} years, currently in {{city}}, {{country}}.",
    ],
}
TUNE_FAMILIES = {"A", "B"}


def _generate(templates: list[str], n: int, seed: int):
    from presidio_evaluator.data_generator import PresidioSentenceFaker

    fk = PresidioSentenceFaker("en_US", lower_case_ratio=LOWER_CASE_RATIO, sentence_templates=templates, random_seed=seed)
    return fk.generate_new_fake_sentences(num_samples=n)


def generate(seed: int = 14) -> list[dict]:
    rows = []
    for part, fams, n, sd in (("tune", ["A", "B"], N_TUNE, seed), ("report", ["C", "D"], N_REPORT, seed + 1)):
        templates, fam_of = [], []
        for f in fams:
            templates += FAMILIES[f]
            fam_of += [f] * len(FAMILIES[f])
        for s in _generate(templates, n, sd):
            rows.append({"text": s.full_text, "template_id": f"en-{fam_of[s.template_id]}{s.template_id}",
                         "family": fam_of[s.template_id], "part": part,
                         "spans": [[sp.start_position, sp.end_position, sp.entity_type] for sp in s.spans]})
    return rows


def load(part: str = "report") -> list[dict]:
    with gzip.open(OUT, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return rows if part == "all" else [r for r in rows if r["part"] == part]


if __name__ == "__main__":
    rows = generate()
    with gzip.open(OUT, "wt", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} sentences to {OUT}")
