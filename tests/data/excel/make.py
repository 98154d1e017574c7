"""Writes the CSV files in this folder as French, Spanish and Russian Excel save them (run it again
to rebuild them: ``python tests/data/excel/make.py``).

What those Excels do, and so what the bytes here do: ``;`` between columns (the list separator of
a language whose decimal separator is a comma), a cell holding ``;`` or ``"`` in double quotes,
CRLF line ends, numbers with a decimal comma and, in a cell formatted with thousands, a no-break
space (French, Russian) or a dot (Spanish) between them. "CSV (separated by semicolons)" is in
the Windows code page of the language, without a BOM; "CSV UTF-8" is UTF-8 with a BOM.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

HERE = Path(__file__).parent
NBSP = "\u00a0"

FILES: dict[str, tuple[str, str, list[list[str]]]] = {
    # French Excel, "CSV (séparateur : point-virgule)": Windows-1252.
    "fr-cp1252/providers.csv": (
        "cp1252",
        "",
        [
            ["id", "name", "kind", "country"],
            ["afd", "Agence française de développement", "bilateral", "FRA"],
            ["hcc", "Haute Autorité pour la transparence — coopération", "state", "FRA"],
        ],
    ),
    "fr-cp1252/projects.csv": (
        "cp1252",
        "",
        [
            [
                "id",
                "title",
                "funders",
                "beneficiaries",
                "shares",
                "articles",
                "start",
                "end",
                "budget_usd",
                "sector_share",
                "status",
            ],
            [
                "p-civ",
                "Renforcement de l'Autorité de lutte contre la corruption (Côte d'Ivoire)",
                "afd;hcc",
                "CIV;SEN",
                "CIV:60,5;SEN:39,5",
                "6;36",
                "2008-01-01",
                "2010-12-31",
                f"1{NBSP}234{NBSP}567,5",
                "12,5",
                "ongoing",
            ],
            [
                "p-sen",
                "Appui à l'Office national",
                "afd",
                "SEN",
                "",
                "6",
                "2009-01-01",
                "2009-12-31",
                "98765",
                "",
                "planned",
            ],
        ],
    ),
    # Spanish Excel, "CSV UTF-8 (delimitado por comas)": UTF-8 with a BOM, still with ; and commas.
    "es-utf8/projects.csv": (
        "utf-8",
        "\ufeff",
        [
            ["id", "title", "funders", "beneficiaries", "articles", "start", "end", "budget_usd", "status"],
            [
                "p-per",
                "Fortalecimiento de la Fiscalía Anticorrupción; fase II",
                "aecid",
                "PER",
                "36",
                "2008-01-01",
                "2009-12-31",
                "1.234.567,25",
                "ongoing",
            ],
            [
                "p-bol",
                "Acción contra la corrupción",
                "aecid",
                "BOL",
                "5",
                "2008-06-01",
                "2009-06-30",
                "250000",
                "completed",
            ],
        ],
    ),
    "es-utf8/providers.csv": (
        "utf-8",
        "\ufeff",
        [["id", "name", "kind", "country"], ["aecid", "Agencia Española de Cooperación", "bilateral", "ESP"]],
    ),
    # Russian Excel, "CSV (разделители - точка с запятой)": Windows-1251.
    "ru-cp1251/providers.csv": (
        "cp1251",
        "",
        [
            ["id", "name", "kind", "country"],
            ["genproc", "Генеральная прокуратура Российской Федерации", "state", "RUS"],
            ["fond", "Фонд «Прозрачность»", "ngo", "KAZ"],
        ],
    ),
    "ru-cp1251/experts.csv": (
        "cp1251",
        "",
        [
            ["id", "name", "nationality", "articles", "languages", "years_experience", "consent"],
            ["e-ivanova", "Иванова Мария Сергеевна", "RUS", "36;46", "ru;en", "12", "yes"],
        ],
    ),
}


def write(folder: Path) -> None:
    for name, (encoding, bom, rows) in FILES.items():
        out = io.StringIO(newline="")
        csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes((bom + out.getvalue()).encode(encoding))


if __name__ == "__main__":
    write(HERE)
