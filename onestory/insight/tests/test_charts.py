"""Charts are one image each, described once for screen readers, whatever they hold."""

import re

from onestory.insight import charts


def test_a_trend_with_no_values_is_one_described_image_with_nothing_else_to_announce():
    svg = charts.line([("2022", None), ("2023", None)], title="Referrals", y_title="referrals")

    assert svg.startswith('<svg role="img" aria-label="Line chart: Referrals"')
    assert re.findall(r'\srole="[^"]*"', svg) == [' role="img"']
    assert "aria-roledescription" not in svg


def test_a_bar_chart_escapes_its_description_and_keeps_its_labels_as_text():
    svg = charts.bars(
        [("Biscot & Dallow", 3.0), ("Lewsey", 5.0)],
        title='Children "in need"',
        x_title="per 10,000",
        highlight=frozenset({"Lewsey"}),
        highlight_label="Target ward",
    )

    assert 'aria-label="Bar chart: Children &quot;in need&quot;"' in svg
    assert ">Lewsey</text>" in svg
    assert ">Target ward</text>" in svg
