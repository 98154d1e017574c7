"""The tables that bring IATI 1.0x words and letters to 2.03 codes (codelists themselves are in
:mod:`tacmap.graph.schema.codelists`)."""

from __future__ import annotations

from functools import cache

from tacmap.graph.schema.codelists import XML_LANG, Code, codelist, codelist_dir

__all__ = ["XML_LANG", "Code", "codelist", "codelist_dir"]

# -- IATI 1.0x words -> 2.03 codes ---------------------------------------------------------------
# Version 1 files name roles, date types, transaction types and vocabularies with words or
# letters; the 1.05 codelists and the 2.01 upgrade guide give the equivalences below.

ROLE_WORDS = {"funding": "1", "accountable": "2", "extending": "3", "implementing": "4"}
DATE_WORDS = {"start-planned": "1", "start-actual": "2", "end-planned": "3", "end-actual": "4"}
TRANSACTION_LETTERS = {
    "IF": "1",  # incoming funds
    "C": "2",  # commitment
    "D": "3",  # disbursement
    "E": "4",  # expenditure
    "IR": "5",  # interest repayment
    "LR": "6",  # loan repayment
    "R": "7",  # reimbursement
    "QP": "8",  # purchase of equity
    "QS": "9",  # sale of equity
    "CG": "10",  # credit guarantee
}
SECTOR_VOCABULARY_WORDS = {"DAC": "1", "DAC-3": "2", "COFOG": "3", "NTEE": "5", "RO": "99", "RO2": "98"}
POLICY_VOCABULARY_WORDS = {"DAC": "1", "RO": "99"}
BUDGET_WORDS = {"original": "1", "revised": "2"}


@cache
def organisation_type_words() -> dict[str, str]:
    """Folded OrganisationType names -> codes, for 1.0x files that write ``type="Multilateral"``."""
    return {c.name.casefold(): c.code for c in codelist("OrganisationType").values()}
