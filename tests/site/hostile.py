"""Hostile content for the website tests: everything a pull request could try, in valid content files.

Every attempt at running script sets ``window.__pwned``; the tests check that it never exists
and that each attempt shows as text. Bidirectional controls are only possible in a notice's
Markdown body (``docgen check`` refuses them in YAML strings).
"""

from __future__ import annotations

from pathlib import Path

NOTICE_SLUG = "hostile"
NOTICE = """\
---
title: "<script>window.__pwned = 'title'</script>关于<b onmouseover=\\"window.__pwned='b'\\">测试</b>的通知"
date: 2024-03-01
time: "09:30"
source: "<img src=x onerror=\\"window.__pwned='source'\\">"
signer: "<iframe src=\\"javascript:window.__pwned='signer'\\"></iframe>"
signed: 2024-03-01
recipients:
  - "<svg onload=\\"window.__pwned='svg'\\">各单位</svg>"
breadcrumb: [政务公开, "<a href=\\"javascript:window.__pwned='crumb'\\">栏目</a>"]
attachments:
  - {title: "\\"><script>window.__pwned='attachment'</script>", ref: targets/2024}
---

正文<script>window.__pwned = 'body'</script>与<img src=x onerror="window.__pwned='img'">。

[点击领取](javascript:window.__pwned='link') 和 <javascript:window.__pwned='autolink'>

[数据](data:text/html,<script>window.__pwned='data'</script>)

<a href="javascript:window.__pwned='raw'" onclick="window.__pwned='click'">原始链接</a>

![图](javascript:window.__pwned='image')

<style>body { display: none; }</style>

方向覆盖：abc\u202edef\u202cghi 以及 \u2066隔离\u2069。模板：{{ 7*7 }} ${fund.budget}

[正常链接](https://example.gov.cn/a?b=1&c=2) 与 [邮件](mailto:office@example.gov.cn)。
"""
"""A notice with script in every field, raw HTML, javascript:/data: links, bidi overrides, template syntax."""

PROJECT = ("projects/2024/finance-culture-research.yaml", "2024", "finance-culture-research")
"""The shipped project the hostile fields go into (year 2024)."""

PROJECT_NAME = "<script>window.__pwned='name'</script><img src=x onerror=window.__pwned='name2'>研究项目"
APPLICANT = "研究会<a href='javascript:window.__pwned=1'>x</a>"
SUMMARY = "[点我](javascript:window.__pwned='summary') <style>body{display:none}</style> {{ 7*7 }} ${fund.budget}"
INDICATOR = "\"><svg onload=window.__pwned='indicator'>"


def write(content: Path) -> None:
    """Add the hostile notice and put hostile text into one shipped project of 2024."""
    (content / "notices" / f"2024-03-01-{NOTICE_SLUG}.md").write_text(NOTICE, encoding="utf-8")
    path = content / PROJECT[0]
    lines = path.read_text(encoding="utf-8").splitlines()
    replaced = []
    for line in lines:
        if line.startswith("name: "):
            line = f"name: {_quoted(PROJECT_NAME)}"
        elif line.startswith("applicant: "):
            line = f"applicant: {_quoted(APPLICANT)}\nsummary: {_quoted(SUMMARY)}"
        replaced.append(line)
    text = "\n".join(replaced) + "\n"
    marker = "          - name: "
    first = text.index(marker)
    end = text.index("\n", first)
    text = f"{text[:first]}{marker}{_quoted(INDICATOR)}{text[end:]}"
    path.write_text(text, encoding="utf-8")


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
