"""The URL fetcher serves the project's own assets, generated resources and role fonts, and nothing else."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from docgen.render import fonts
from docgen.render.fetcher import MAX_DATA_URL_BYTES, AssetFetcher, FontSource, RefusedURL
from docgen.render.pdf import Generated, asset_url, generated_url, render_pdf


@pytest.fixture
def assets(tmp_path: Path) -> Path:
    root = tmp_path / "templates" / "html" / "print"
    root.mkdir(parents=True)
    (root / "print.css").write_text("p { color: black }")
    (root / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    (tmp_path / "secret.txt").write_text("the build machine's secret")
    return root


def _fetcher(assets: Path, **kwargs: object) -> AssetFetcher:
    return AssetFetcher([assets], **kwargs)  # type: ignore[arg-type]


def _refused(fetcher: AssetFetcher, url: str) -> str:
    with pytest.raises(RefusedURL) as refusal:
        fetcher.fetch(url)
    assert fetcher.refused[-1].url == url
    return str(refusal.value)


def test_serves_a_template_asset(assets: Path) -> None:
    fetcher = _fetcher(assets)
    response = fetcher.fetch(asset_url(assets / "print.css"))
    assert response.read() == b"p { color: black }"
    assert response.content_type == "text/css"
    assert fetcher.refused == []


def test_serves_generated_resources_by_name(assets: Path) -> None:
    fetcher = _fetcher(assets, generated={"charts/a.svg": Generated(b"<svg/>", "image/svg+xml")})
    assert fetcher.fetch(generated_url("charts/a.svg")).read() == b"<svg/>"
    assert "no generated resource" in _refused(fetcher, generated_url("charts/b.svg"))


def test_refuses_local_files_outside_the_assets(assets: Path) -> None:
    fetcher = _fetcher(assets)
    secret = assets.parents[2] / "secret.txt"
    assert "outside the asset folders" in _refused(fetcher, secret.as_uri())
    assert "outside the asset folders" in _refused(fetcher, "file:///etc/passwd")
    traversal = asset_url(assets) + "/../../../secret.txt"
    assert "outside the asset folders" in _refused(fetcher, traversal)
    assert "outside the asset folders" in _refused(fetcher, "file:///dev/zero")
    assert "host" in _refused(fetcher, "file://evil.example/etc/passwd")
    assert len(fetcher.refused) == 5


def test_refuses_remote_urls(assets: Path) -> None:
    fetcher = _fetcher(assets)
    for url in (
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/logo.png",
        "ftp://example.com/x",
        "//example.com/x.png",
        "javascript:alert(1)",
    ):
        assert "not served" in _refused(fetcher, url)
    assert fetcher.refused[0].url.startswith("http://169.254")


def test_refuses_symlinks_leaving_the_tree(assets: Path) -> None:
    (assets / "innocent.css").symlink_to(assets.parents[2] / "secret.txt")
    (assets / "zero.png").symlink_to("/dev/zero")
    (assets / "inside.css").symlink_to(assets / "print.css")
    fetcher = _fetcher(assets)
    assert "symlink leaving the asset folders" in _refused(fetcher, asset_url(assets) + "/innocent.css")
    assert "symlink leaving the asset folders" in _refused(fetcher, asset_url(assets) + "/zero.png")
    assert fetcher.fetch(asset_url(assets) + "/inside.css").read() == b"p { color: black }"


def test_refuses_device_files_fifos_and_folders_inside_the_tree(assets: Path) -> None:
    os.mkfifo(assets / "pipe.css")
    fetcher = _fetcher(assets)
    assert "not a regular file" in _refused(fetcher, asset_url(assets) + "/pipe.css")
    assert "not a regular file" in _refused(fetcher, asset_url(assets))
    assert "cannot read" in _refused(fetcher, asset_url(assets) + "/missing.css")


def test_data_urls_only_small_ones(assets: Path) -> None:
    fetcher = _fetcher(assets)
    small = "data:image/svg+xml;base64," + base64.b64encode(b"<svg/>").decode()
    assert fetcher.fetch(small).read() == b"<svg/>"
    large = "data:image/png;base64," + base64.b64encode(b"\0" * (MAX_DATA_URL_BYTES + 1)).decode()
    assert "data URL larger than" in _refused(fetcher, large)
    assert "malformed" in _refused(fetcher, "data:image/png;base64,@@@@")


def test_serves_exactly_the_resolved_font_faces(assets: Path) -> None:
    resolved = fonts.resolved_fonts()
    songti = resolved["songti"]
    served = [FontSource(songti.path, songti.index, lambda: b"the SC face")]
    fetcher = _fetcher(assets, fonts=served)
    assert fetcher.fetch(songti.url).read() == b"the SC face"
    other_face = songti.path.as_uri() + "#face=0"
    assert "not a face of a role font" in _refused(fetcher, other_face)
    assert "outside the asset folders" in _refused(fetcher, songti.path.as_uri())  # the whole collection
    assert "not a face of a role font" in _refused(fetcher, resolved["heiti"].url)  # a font not given
    assert "not a face of a role font" in _refused(fetcher, asset_url(assets / "print.css") + "#face=2")


def test_weasyprint_reads_nothing_the_fetcher_refuses(assets: Path) -> None:
    secret = assets.parents[2] / "secret.txt"
    html = f"""<!DOCTYPE html><html lang="zh-CN"><head>
    <link rel="stylesheet" href="{generated_url("fonts.css")}">
    <link rel="stylesheet" href="http://example.com/evil.css">
    <link rel="attachment" href="{secret.as_uri()}">
    </head><body style="font-family: var(--font-fangsong)">
    <p>正文</p>
    <img src="{secret.as_uri()}"><img src="file:///etc/hostname"><img src="https://example.com/x.png">
    <a rel="attachment" href="{secret.as_uri()}">附件</a>
    <img src="secret.txt">
    </body></html>"""
    result = render_pdf(html, [assets])
    refused = {r.url for r in result.refused}
    assert {
        "http://example.com/evil.css",
        secret.as_uri(),
        "file:///etc/hostname",
        "https://example.com/x.png",
    } <= refused
    assert b"/EmbeddedFile" not in result.data
    assert b"secret" not in result.data
    assert any("Relative URI reference without a base URI" in w for w in result.warnings)  # secret.txt: not resolved
