"""wizard.core.systems_csv: the systems file as Excel and people write it."""

from __future__ import annotations

import pytest

from wizard.core.errors import WizardError
from wizard.core.keys import KeyType
from wizard.core.systems_csv import parse_systems_csv, read_systems_csv


def test_an_excel_csv_with_bom_and_semicolons_gives_one_row_a_system(tmp_path):
    path = tmp_path / "systems.csv"
    path.write_bytes(
        "\ufeffprofile;cn;o;c;env;role;key_type\r\n"
        "ERP-PRD;erp-prd-sender;ACME;DE;neo;ESBMessaging.send|Custom.role;ec-p256\r\n"
        "# a comment line\r\n"
        "\r\n"
        "S4-QAS;s4-qas;Müller GmbH;AT;cf;;\r\n".encode()
    )
    systems = read_systems_csv(path)
    assert systems.delimiter == ";"
    assert systems.problems == ()
    first, second = systems.rows
    assert (first.profile, first.subject.cn, first.subject.country) == (
        "ERP-PRD",
        "erp-prd-sender",
        "DE",
    )
    assert first.roles == ("ESBMessaging.send", "Custom.role")
    assert first.key_type is KeyType.EC_P256
    assert (second.line, second.subject.org, second.environment) == (5, "Müller GmbH", "cf")


def test_a_file_in_a_windows_code_page_is_refused_with_the_line_and_what_to_do():
    data = "profile,cn,o\nERP,erp,Müller\n".encode("cp1252")
    with pytest.raises(WizardError) as refused:
        parse_systems_csv(data, source="systems.csv")
    assert refused.value.code == "batch.csv"
    assert "systems.csv, line 2" in refused.value.message
    assert "CSV UTF-8" in refused.value.message


def test_a_header_without_the_common_name_is_refused():
    with pytest.raises(WizardError) as refused:
        parse_systems_csv(b"profile,o\nERP,ACME\n", source="systems.csv")
    assert refused.value.code == "batch.csv"
    assert "cn" in refused.value.message


def test_a_system_listed_twice_is_a_problem_of_its_row_and_the_others_are_kept():
    systems = parse_systems_csv(b"profile,cn\nERP,erp\nERP,erp2\nQAS,qas\n", source="s.csv")
    assert [r.profile for r in systems.rows] == ["ERP", "QAS"]
    (problem,) = systems.problems
    assert (problem.line, problem.profile) == (3, "ERP")
    assert "line 2 already" in problem.message
