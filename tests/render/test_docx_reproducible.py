"""Same content and templates → byte-identical .docx, in this process and in another one.

The zip entries are sorted ([Content_Types].xml first) and dated from SOURCE_DATE_EPOCH;
the core properties carry the build's date, the publisher and the document's title.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import subprocess
import sys
import zipfile

import pytest

from docgen.api import Checked
from docgen.render import docx as docx_renderer
from tests.render.docx_helpers import EPOCH, REPO, document, render_context


def render(shipped: Checked, epoch: int = EPOCH) -> dict[str, bytes]:
    ctx = render_context(shipped, epoch)
    return {
        "target": docx_renderer.render_target_table(ctx, 2022, "gz-tech-finance-service-base"),
        "allocation": docx_renderer.render_allocation(ctx, 2022),
        "targets": docx_renderer.render_targets_attachment(ctx, 2024),
    }


def test_same_input_same_bytes(shipped: Checked) -> None:
    first, second = render(shipped), render(shipped)
    assert first == second


def test_same_bytes_in_another_process(shipped: Checked) -> None:
    script = (
        "import hashlib, sys\n"
        "from pathlib import Path\n"
        "from docgen.api import check\n"
        "from docgen.project import ProjectPaths\n"
        "from docgen.render.context import RenderContext\n"
        "from docgen.render import docx as r\n"
        f"c = check(ProjectPaths(Path({str(REPO)!r})), templates=False)\n"
        f"ctx = RenderContext(c.paths, c.content, c.facts, {EPOCH})\n"
        "print(hashlib.sha256(r.render_target_table(ctx, 2022, 'gz-tech-finance-service-base')).hexdigest())\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO)
    assert result.stdout.strip() == hashlib.sha256(render(shipped)["target"]).hexdigest()


@pytest.mark.parametrize("epoch", [EPOCH, 1_800_000_000])
def test_entries_and_properties_carry_the_build_date(shipped: Checked, epoch: int) -> None:
    when = dt.datetime.fromtimestamp(epoch, dt.UTC)
    for name, data in render(shipped, epoch).items():
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
        names = [i.filename for i in infos]
        assert names[0] == "[Content_Types].xml" and names[1:] == sorted(names[1:]), name
        assert {i.date_time for i in infos} == {(when.year, when.month, when.day, when.hour, when.minute, when.second)}
        core = document(data).core_properties
        assert core.created == core.modified == when
        assert core.author == shipped.content.site.publisher  # type: ignore[union-attr]
        assert core.revision == 1


def test_only_the_dates_differ_between_build_dates(shipped: Checked) -> None:
    early, late = render(shipped, EPOCH)["target"], render(shipped, EPOCH + 86_400)["target"]
    assert early != late
    with zipfile.ZipFile(io.BytesIO(early)) as a, zipfile.ZipFile(io.BytesIO(late)) as b:
        differing = [n for n in a.namelist() if a.read(n) != b.read(n)]
    assert differing == ["docProps/core.xml"]


def test_titles(shipped: Checked) -> None:
    files = render(shipped)
    assert document(files["target"]).core_properties.title == "广州科创金融服务基地建设项目绩效目标表（2022年）"
    assert (
        document(files["allocation"]).core_properties.title
        == "2022年广东省促进经济高质量发展专项资金（金融发展）分配方案"
    )


def test_epoch_before_1980_is_clamped(shipped: Checked) -> None:
    data = render(shipped, 0)["target"]
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert {i.date_time for i in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
