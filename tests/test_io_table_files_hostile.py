"""Hostile CSV files: encodings, quotes, short rows, huge cells, title rows, binary data."""

from __future__ import annotations

import codecs
import re

import pandas as pd
import pytest

from hostile import HEADER, ROWS, assert_one_line_error, standardize_argv
from yieldtrial.cli import main
from yieldtrial.errors import DataValidationError
from yieldtrial.io import read_plots

CHINESE = ("101,1,对照,20,14.98,12.7\n", "102,1,T,20,13.77,13.7\n", "201,2,对照,20,14.97,13.4\n")


def test_utf8_file_with_one_gbk_row_is_refused_naming_the_row(tmp_path, capsys):
    """Never decoded as GB18030 wholesale (对照 -> 瀵圭収): the GBK row is named."""
    path = tmp_path / "mixed.csv"
    data = (HEADER + CHINESE[0] + CHINESE[1]).encode() + CHINESE[2].encode("gbk")
    path.write_bytes(data)
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"mixes text encodings: row 4 is not UTF-8 \(read as GBK, row 4 says "
        r"'201,2,对照,20,14.97,13.4'\)",
        untouched=[path],
        absent=[tmp_path / "out.csv"],
    )


def test_pure_gbk_file_is_read_as_gb18030(tmp_path):
    """A file saved by Chinese Excel (GBK throughout) is read, labels intact."""
    path = tmp_path / "gbk.csv"
    path.write_bytes((HEADER + "".join(CHINESE)).encode("gbk"))
    plots = read_plots(path)
    assert plots["treatment"].tolist() == ["对照", "T", "对照"]
    assert plots.attrs["encoding"] == "gb18030"


def test_utf8_with_bom_is_read(tmp_path):
    """'CSV UTF-8' from Excel starts with a BOM; it is not part of the first header."""
    path = tmp_path / "bom.csv"
    path.write_bytes(codecs.BOM_UTF8 + (HEADER + "".join(CHINESE)).encode())
    assert list(read_plots(path).columns)[0] == "plot_id"


def test_unbalanced_quote_is_reported_as_such(tmp_path, capsys):
    """An opening quote never closed is named, not blamed on a label holding the file."""
    path = tmp_path / "quote.csv"
    path.write_text(HEADER + ROWS[0] + '102,1,"T,20,13.77,13.7\n' + ROWS[2], encoding="utf-8")
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"row 3 opens a quoted cell \(\"\) that is never closed",
        untouched=[path],
    )


def test_short_row_is_an_error_naming_the_row(tmp_path, capsys):
    """A row with fewer fields than the header is not read as a missing plot."""
    path = tmp_path / "short.csv"
    path.write_text(HEADER + ROWS[0] + "102,1,T,20\n" + ROWS[2], encoding="utf-8")
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"row 3 \(4 fields\) has fewer fields than the 6 columns of the header row",
        untouched=[path],
    )


def test_long_row_is_an_error(tmp_path, capsys):
    """A row with a value beyond the header's columns is an error (as before)."""
    path = tmp_path / "long.csv"
    path.write_text(HEADER + ROWS[0] + "102,1,T,20,13.77,13.7,99\n", encoding="utf-8")
    assert_one_line_error(
        standardize_argv(path, tmp_path), capsys, match=r"row 3 \(7 fields\) has more values"
    )


def test_trailing_empty_fields_are_allowed(tmp_path):
    """Excel's trailing separators (empty extra fields) are not an error."""
    path = tmp_path / "trailing.csv"
    path.write_text(HEADER + ROWS[0].replace("\n", ",,\n") + ROWS[1], encoding="utf-8")
    assert len(read_plots(path)) == 2


def test_huge_cell_gives_a_clean_error(tmp_path, capsys):
    """A 200,000-character cell (over csv's field limit) is named, not a _csv.Error."""
    path = tmp_path / "huge.csv"
    path.write_text(HEADER + '101,1,"' + "x" * 200_000 + '",20,1,13\n', encoding="utf-8")
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"treatment holds labels longer than 200 characters in row 2 \(200,000 characters\)",
    )


def test_huge_cell_with_stray_quote_uses_the_csv_module_limit(tmp_path, capsys):
    """Beyond the csv module's (raised) limit the message names the row and the likely cause."""
    path = tmp_path / "huge2.csv"
    path.write_text(HEADER + '101,1,"x"' + "y" * 1_100_000 + ",20,1,13\n", encoding="utf-8")
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match="row 2 has text right after the closing quote",
    )


@pytest.mark.parametrize("title", ["2024 wheat yield test,,,,,\n", "2024 wheat yield test\n"])
def test_title_row_above_the_header_is_reported_as_such(tmp_path, capsys, title):
    """A title row is named as a title, not as 'column 2 has no header'."""
    path = tmp_path / "title.csv"
    path.write_text(title + HEADER + "".join(ROWS), encoding="utf-8")
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"the header row is row 2, not row 1: row 1 \('2024 wheat yield test'\) looks like "
        "a title",
    )


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "the file is binary"),
        (b"PK\x03\x04" + b"\x00" * 40, "this is a ZIP file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, r"old \.xls workbooks"),
        (b"", "the file is empty"),
        (b"\n\n", "the file is empty"),
        (codecs.BOM_UTF8, "the file is empty"),
    ],
    ids=["png", "zip", "xls", "empty", "blank-lines", "bom-only"],
)
def test_not_a_text_table(tmp_path, capsys, data, match):
    """Binary files, workbooks named .csv and empty files give one line each."""
    path = tmp_path / "plots.csv"
    path.write_bytes(data)
    assert_one_line_error(standardize_argv(path, tmp_path), capsys, match=match, untouched=[path])


def test_old_mac_line_endings_are_read(tmp_path):
    """A file with CR-only line breaks is read through the csv module."""
    path = tmp_path / "cr.csv"
    path.write_bytes((HEADER + "".join(ROWS)).replace("\n", "\r").encode())
    assert read_plots(path)["plot_id"].tolist() == ["101", "102", "201", "202"]


def test_quoted_cells_with_separators_and_line_breaks(tmp_path):
    """RFC 4180 quoting (separators, doubled quotes, line breaks in a cell) is read exactly."""
    path = tmp_path / "quoted.csv"
    path.write_text(
        HEADER.rstrip("\n") + ",notes\n"
        '101,1,CK,20,"14.98",12.7,"a, ""quoted""\nnote"\n'
        '102,1,T,20,13.77,13.7,""\n',
        encoding="utf-8",
    )
    plots = read_plots(path)
    assert plots["notes"].tolist()[0] == 'a, "quoted"\nnote'
    assert plots["fresh_mass_kg"].tolist() == [14.98, 13.77]


def test_explicit_encoding_that_does_not_fit(tmp_path):
    """--encoding utf-8 for a GBK file names the row that does not decode."""
    path = tmp_path / "gbk.csv"
    path.write_bytes((HEADER + "".join(CHINESE)).encode("gbk"))
    with pytest.raises(DataValidationError, match=r"cannot decode row 2 as 'utf-8' \("):
        read_plots(path, encoding="utf-8")


def _utf8_table(tmp_path, rows: int):
    path = tmp_path / "p.csv"
    path.write_text(HEADER + "".join(ROWS[:rows]), encoding="utf-8")
    return path


def test_utf16_given_for_a_utf8_file_says_the_header_is_garbled(tmp_path, capsys):
    """--encoding utf-16 on UTF-8 text read as one garbled line: 'no plot rows' before."""
    path = _utf8_table(tmp_path, 2)
    assert path.stat().st_size % 2 == 0  # decodes without error as UTF-16, into one line
    assert_one_line_error(
        [*standardize_argv(path, tmp_path), "--encoding", "utf-16"],
        capsys,
        match=r"p\.csv: the file does not read as 'utf-16': .* the header looks garbled .*"
        r"it is UTF-8 text, .*drop --encoding",
        untouched=[path],
        absent=[tmp_path / "out.csv"],
    )


def test_utf16_that_fails_on_a_utf8_file_says_drop_the_encoding(tmp_path):
    """A UTF-8 file of odd length fails to decode as UTF-16: the fix named is UTF-8."""
    path = _utf8_table(tmp_path, 3)
    assert path.stat().st_size % 2 == 1
    with pytest.raises(
        DataValidationError, match=r"does not decode as 'utf-16' .*it is UTF-8 text"
    ):
        read_plots(path, encoding="utf-16")


def test_unknown_encoding_name(tmp_path):
    """An encoding name Python does not know is a clean error."""
    path = tmp_path / "p.csv"
    path.write_text(HEADER + ROWS[0], encoding="utf-8")
    with pytest.raises(DataValidationError, match="unknown text encoding 'klingon'"):
        read_plots(path, encoding="klingon")


@pytest.mark.parametrize("encoding", ["base64", "rot13", "zlib_codec", "punycode", "undefined"])
def test_codec_that_is_not_a_text_encoding(tmp_path, capsys, encoding):
    """--encoding base64 (a bytes codec) or 'undefined' was an internal error (exit 3)."""
    path = tmp_path / "p.csv"
    path.write_text(HEADER + ROWS[0], encoding="utf-8")
    assert_one_line_error(
        [*standardize_argv(path, tmp_path), "--encoding", encoding],
        capsys,
        match=rf"p\.csv: --encoding '{encoding}' \(encoding= in Python\) is not an encoding text",
        untouched=[path],
        absent=[tmp_path / "out.csv"],
    )


@pytest.mark.parametrize("encoding", ["unicode_escape", "raw_unicode_escape", "idna"])
def test_python_codec_that_garbles_a_table_is_refused(tmp_path, capsys, encoding):
    """--encoding unicode_escape read UTF-8 labels as Latin-1 without a word (stop 38).

    ``'对照'.encode('utf-8').decode('unicode_escape')`` is ``'å¯¹ç§'`` and a C1 control: each byte a
    character; idna reads ASCII text unchanged but is no file encoding either.
    """
    path = tmp_path / "p.csv"
    path.write_text(HEADER + ROWS[0].replace("CK", "对照"), encoding="utf-8")
    line = assert_one_line_error(
        [*standardize_argv(path, tmp_path), "--encoding", encoding],
        capsys,
        match=rf"p\.csv: --encoding '{encoding}' \(encoding= in Python\) is not an encoding",
        untouched=[path],
        absent=[tmp_path / "out.csv"],
    )
    assert line.endswith("e.g. utf-8, gbk, gb18030, big5, latin-1 or cp1252"), line


def test_utf7_is_still_an_encoding(tmp_path):
    """UTF-7 is a registered text encoding (RFC 2152): an ASCII table reads as it is."""
    path = tmp_path / "p.csv"
    path.write_text(HEADER + ROWS[0], encoding="utf-8")
    assert read_plots(path, encoding="utf-7")["treatment"].tolist() == ["CK"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "cp1252"])
def test_explicit_text_encodings_still_read(tmp_path, encoding):
    """The check of the codec keeps every real text encoding."""
    path = tmp_path / "p.csv"
    path.write_bytes((HEADER + ROWS[0]).encode(encoding))
    assert read_plots(path, encoding=encoding)["plot_id"].tolist() == ["101"]


def test_fast_and_csv_module_paths_agree(tmp_path):
    """The pandas fast path and the csv-module path give the same table."""
    plain = tmp_path / "plain.csv"
    plain.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    utf16 = tmp_path / "utf16.csv"  # UTF-16 always takes the csv-module path
    utf16.write_text(HEADER + "".join(ROWS), encoding="utf-16")
    fast, slow = read_plots(plain), read_plots(utf16)
    assert fast.columns.tolist() == slow.columns.tolist()
    for column in fast.columns:
        assert fast[column].tolist() == slow[column].tolist(), column


def test_two_stray_quotes_joining_rows_are_reported(tmp_path, capsys):
    """Two stray quotes that join rows into one label: named as a quote problem."""
    path = tmp_path / "twoq.csv"
    path.write_text(
        HEADER + '101,1,"CK,20,14.98,12.7\n102,1,T,20,13.77,13.7\n201,2,"CK,20,14.97,13.4\n',
        encoding="utf-8",
    )
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        # pandas >= 2.1 parses the joined label (reported as one spanning lines); pandas 2.0's
        # parser stops at the second quote (reported as text after a closing quote): both name
        # row 2 and the quote
        match=r"(treatment holds a label that spans several lines in row 2; a quote"
        r"|row 2 has text right after the closing quote)",
        untouched=[path],
    )


@pytest.mark.parametrize(
    ("label", "codec", "shown"),
    [
        ("對照組處理", "big5", r"as Big5 '101,1,對照組處理"),
        ("対照区の処理", "shift_jis", r"as Shift-JIS '101,1,対照区の処理"),
    ],
    ids=["big5", "shift-jis"],
)
def test_other_east_asian_encoding_is_not_read_as_gbk(tmp_path, capsys, label, codec, shown):
    """Big5 or Shift-JIS labels were decoded as GB18030 into other characters (exit 0)."""
    path = tmp_path / "p.csv"
    other = "處理組" if codec == "big5" else "処理区"  # a second label: a few characters more
    text = HEADER + ROWS[0].replace(",CK,", f",{label},") + ROWS[1].replace(",T,", f",{other},")
    path.write_bytes(text.encode(codec))
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=rf"read as Chinese GBK row 2 says .*hardly uses \({shown}.*--encoding big5",
        untouched=[path],
        absent=[tmp_path / "out.csv"],
    )


def test_such_a_file_reads_with_an_explicit_gbk_encoding(tmp_path):
    """--encoding gb18030 overrides the guess (a GBK file full of rare characters)."""
    path = tmp_path / "p.csv"
    path.write_bytes((HEADER + ROWS[0].replace(",CK,", ",對照組處理,")).encode("big5"))
    assert read_plots(path, encoding="gb18030")["treatment"].tolist() == ["癸酚舱矪瞶"]


def test_gbk_file_with_a_few_rare_characters_still_reads(tmp_path):
    """Common Chinese text with a rare place-name character and a unit sign stays GBK."""
    path = tmp_path / "p.csv"
    text = HEADER + ROWS[0].replace(",CK,", ",冀麦䓬,") + ROWS[1].replace(",T,", ",增效剂处理,")
    path.write_bytes(text.encode("gb18030"))
    assert read_plots(path)["treatment"].tolist() == ["冀麦䓬", "增效剂处理"]


def test_windows_1252_sign_after_an_accent_is_not_read_as_gbk(tmp_path, capsys):
    """'CKé€' (Windows-1252) read as GBK was 'CK閫', exit 0."""
    path = tmp_path / "p.csv"
    path.write_bytes((HEADER + ROWS[0].replace(",CK,", ",CKé€,")).encode("cp1252"))
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"looks like Western European text .*CKé€.*--encoding cp1252",
        untouched=[path],
    )


# Readings below are Python's own codecs on the bytes written (bytes.decode), e.g.
# "대조".encode("euc_kr").decode("gb18030") == "措炼".
def _labelled(tmp_path, labels, codec, header=HEADER):
    path = tmp_path / "p.csv"
    text = header + "".join(
        row.replace(",CK,", f",{labels[0]},").replace(",T,", f",{labels[1]},") for row in ROWS
    )
    path.write_bytes(text.encode(codec))
    return path


def test_short_euc_kr_labels_are_not_read_as_gbk(tmp_path, capsys):
    """EUC-KR 대조/처리 decoded cleanly as GBK 措炼/贸府 (exit 0): now refused, readings shown."""
    path = _labelled(tmp_path, ("대조", "처리"), "euc_kr")
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"row 2 reads as text in more than one East Asian encoding \(as Chinese GBK "
        r"'101,1,措炼,.*as EUC-KR '101,1,대조,.*\); nothing in its text \(4 distinct non-ASCII "
        r"characters\) tells .*--encoding cp949\), or save the file as 'CSV UTF-8'$",
        untouched=[path],
        absent=[tmp_path / "out.csv"],
    )


def test_a_long_euc_kr_file_is_not_read_as_gbk_either(tmp_path, capsys):
    """Every KS X 1001 Hangul syllable is a GB 2312 hanzi: more text does not make it GBK."""
    path = tmp_path / "p.csv"
    labels = ("대조", "질소비료", "인산비료", "칼륨비료", "유기질비료", "복합비료")
    text = HEADER + "".join(
        f"{n},{n % 3 + 1},{label},20,14.5,13\n" for n, label in enumerate(labels)
    )
    path.write_bytes(text.encode("euc_kr"))
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"as EUC-KR '0,1,대조,.*--encoding cp949",
        untouched=[path],
        absent=[tmp_path / "out.csv"],
    )


def test_the_euc_kr_file_reads_with_its_encoding(tmp_path):
    """The fix the message names: encoding='cp949' gives the Hangul labels."""
    path = _labelled(tmp_path, ("대조", "처리"), "euc_kr")
    assert read_plots(path, encoding="cp949")["treatment"].tolist() == ["대조", "처리"] * 2


def test_two_big5_characters_are_not_read_as_gbk(tmp_path, capsys):
    """Big5 對照 (and an ASCII label) read as GBK 癸酚, both common GB 2312 hanzi (exit 0)."""
    path = _labelled(tmp_path, ("對照", "T"), "big5")
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"as Chinese GBK '101,1,癸酚,.*as Big5 '101,1,對照,.*--encoding big5",
        untouched=[path],
    )


def test_japanese_excel_text_outside_shift_jis_is_not_read_as_gbk(tmp_path, capsys):
    """NEC's ① (CP932, what Japanese Excel writes) is not Shift-JIS: 区① read as GBK 嬫嘆.

    The rivals are read as Excel's code pages (CP932, CP949), so the message shows the
    Japanese reading.
    """
    path = _labelled(tmp_path, ("区①", "T"), "cp932")
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=re.escape("hardly uses (as Shift-JIS '101,1,区①,") + ".*cp932 for Japanese",
        untouched=[path],
    )


def test_one_shift_jis_kanji_is_not_read_as_gbk(tmp_path, capsys):
    """Shift-JIS 区 reads as GBK 嬫 (outside GB 2312): too few for the rare-character rule."""
    path = _labelled(tmp_path, ("区", "T"), "shift_jis")
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"it reads likelier as Shift-JIS than as Chinese GBK\. Pass its encoding "
        r"\(--encoding cp932 or --encoding gb18030\)",
        untouched=[path],
    )


def test_short_gbk_labels_that_read_as_big5_and_euc_kr_too_are_refused(tmp_path, capsys):
    """GBK 处理1 is also common Big5 揭燴1 and EUC-KR 뇹잿1: no silent guess either way."""
    path = _labelled(tmp_path, ("处理1", "处理2"), "gbk")
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"\(as Chinese GBK '101,1,处理1,.*as Big5 '101,1,揭燴1,.*as EUC-KR '101,1,뇹잿1,.*"
        r"\(--encoding gb18030, --encoding big5 or --encoding cp949\)",
        untouched=[path],
    )


def test_such_gbk_labels_read_with_a_chinese_header(tmp_path):
    """A header yieldtrial knows in Chinese (处理) settles it: the file is GBK."""
    header = HEADER.replace(",treatment,", ",处理,")
    path = _labelled(tmp_path, ("处理1", "处理2"), "gbk", header=header)
    assert read_plots(path)["treatment"].tolist() == ["处理1", "处理2"] * 2


def test_such_gbk_labels_read_with_encoding_gb18030(tmp_path, capsys):
    """The fix the message names: --encoding gb18030 reads the labels (exit 0)."""
    path = _labelled(tmp_path, ("处理1", "处理2"), "gbk")
    out = tmp_path / "out.csv"
    assert main([*standardize_argv(path, tmp_path), "--encoding", "gb18030"]) == 0
    assert pd.read_csv(out, encoding="utf-8-sig")["treatment"].tolist() == ["处理1", "处理2"] * 2


def test_gbk_labels_with_a_character_only_gbk_reads_commonly_still_read(tmp_path):
    """对照 is common GBK but not common Big5/EUC-KR (照 is 桽, a hanja 亮): read as GBK."""
    path = _labelled(tmp_path, ("对照", "处理"), "gbk")
    assert read_plots(path)["treatment"].tolist() == ["对照", "处理"] * 2
