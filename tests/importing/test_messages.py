"""Messages of ``kpitools import`` for files that do not fit the profile."""

import re
from pathlib import Path

import pytest

from kpitools.cli import main
from kpitools.exceptions import ImportFormatError
from kpitools.importing import import_export

CORPUS = Path(__file__).parents[1] / "fixtures" / "bad_inputs"
FIXTURE_PROFILE = CORPUS / "fixture-ro.yaml"


def test_header_only_file_rejected(tmp_path):
    export = tmp_path / "header_only.csv"
    export.write_text("工单号,服务顾问,进厂时间,结算方式\n", encoding="utf-8")
    with pytest.raises(
        ImportFormatError, match="header_only.csv: the file has a header but no data"
    ):
        import_export(export, "cn-dms", tmp_path / "out", store_id="C01")
    assert not (tmp_path / "out").exists()


def test_header_only_file_exits_2(tmp_path, capsys):
    export = tmp_path / "header_only.csv"
    export.write_text("RO,Advisor,Opened\n", encoding="utf-8")
    arguments = ["import", str(export), "--profile", str(FIXTURE_PROFILE)]
    assert main([*arguments, "--out", str(tmp_path / "out")]) == 2
    assert "no data rows" in capsys.readouterr().err


def test_csv_for_excel_profile_rejected(tmp_path):
    with pytest.raises(
        ImportFormatError,
        match=r"utf8_bom\.csv: the profile sets source: format: excel, which "
        r"expects \.xls, \.xlsm, \.xlsx files, but got a \.csv file",
    ):
        import_export(CORPUS / "utf8_bom.csv", "dms-labor-lines", tmp_path / "out")


def test_big5_file_names_encodings(tmp_path):
    # Big5 bytes of a traditional-Chinese header decode as GB18030 without
    # error, so only the header reveals the wrong encoding.
    export = tmp_path / "big5.csv"
    text = "工單號,服務顧問,進廠時間,結算方式\n1001,王小明,2024-06-01 09:00,自付\n"
    export.write_bytes(text.encode("big5"))
    with pytest.raises(
        ImportFormatError,
        match=r"big5\.csv: none of the columns of profile cn-dms is in the header"
        r".*the encoding may be wrong\. Encodings tried: utf-8, utf-8-sig, "
        r"utf-16, gb18030",
    ):
        import_export(export, "cn-dms", tmp_path / "out", store_id="C01")


def test_summary_prints_vin_check_failed(tmp_path, capsys):
    lines = (CORPUS / "utf8_bom.csv").read_text(encoding="utf-8-sig").splitlines()
    # Made-up VIN: check digit 2 is valid, so 9 in position 9 fails the check.
    assert "1ZZFAKEV2ZZ100001" in lines[1]
    bad = lines[1].replace("1ZZFAKEV2ZZ100001", "1ZZFAKEV9ZZ100001")
    bad = bad.replace("100001,", "100009,", 1)
    export = tmp_path / "vins.csv"
    export.write_text("\n".join([lines[0], lines[1], bad]) + "\n", encoding="utf-8")
    arguments = ["import", str(export), "--profile", str(FIXTURE_PROFILE)]
    assert main([*arguments, "--out", str(tmp_path / "out")]) == 0
    output = capsys.readouterr().out
    header = next(line for line in output.splitlines() if "rows_read" in line)
    assert "vin_check_failed" in header.split()
    # 2 rows read and used, 0 quarantined, empty reasons, 1 failing VIN.
    assert re.search(r"^\s*repair_orders\s+2\s+2\s+0\s+1\b", output, re.MULTILINE)
