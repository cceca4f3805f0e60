"""The generated documents the website offers for download (附件下载).

The Word and PDF renderers write their documents under build/ (``2022/attachments/
attachment-1-catalog.docx``, ``2023/evaluation-report.pdf``). The bureau copies build/site/ to its
web server as it is, so the site carries its own copy of every document it links to, under
``site/files/`` with the same relative path, and shows its type, size and a Chinese file name.

A notice names a generated document by ``ref`` (``catalog/2022``, ``targets/2022``,
``report/2023``); :data:`REF_DOCUMENTS` says which files a ref stands for. The functions here
name every document a page could link to; a page links only those the build plans (the
site's plan keeps those in :func:`planned_documents`), so the site never links to a file the
build does not write.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass

from docgen.model.content import Content
from docgen.model.schema import AttachmentRef, Project
from docgen.render.context import Output, RenderContext

REF_DOCUMENTS: dict[str, tuple[str, ...]] = {
    "catalog": ("{year}/attachments/attachment-1-catalog.docx",),
    "allocation": ("{year}/attachments/attachment-2-allocation.docx",),
    "targets": ("{year}/attachments/attachment-3-targets.docx", "{year}/targets.pdf"),
    "report": ("{year}/evaluation-report.pdf",),
    "bundle": ("{year}/bundle.zip",),
}
"""The built documents an attachment ``ref`` (kind/year) stands for, Word first."""

PROJECT_TARGETS = ("{year}/targets/{project}.docx", "{year}/targets/{project}.pdf")
"""A project's own 绩效目标表 (``ref: targets/<year>/<id>``), Word first."""

FILES_FOLDER = "files"
"""Where the site keeps its copies of the documents, relative to the site root."""

FILE_TYPES: dict[str, tuple[str, str]] = {
    "docx": ("Word文档", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": ("PDF文档", "application/pdf"),
    "zip": ("压缩包", "application/zip"),
}
"""Extension → (the type the page shows, the MIME type of the link)."""

_UNSAFE_FILE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|\u200b-\u200f\u202a-\u202e\u2066-\u2069]+')


@dataclass(frozen=True, slots=True)
class Download:
    """One downloadable document (下载文件): where the build writes it and the name it is saved as."""

    built: str  # path under build/: "2022/attachments/attachment-1-catalog.docx"
    title: str  # the document's Chinese title, without extension

    @property
    def site_path(self) -> str:
        """Its copy inside the site: files/2022/attachments/attachment-1-catalog.docx."""
        return f"{FILES_FOLDER}/{self.built}"

    @property
    def extension(self) -> str:
        return self.built.rsplit(".", 1)[-1]

    @property
    def file_type(self) -> str:
        return FILE_TYPES[self.extension][0]

    @property
    def mime(self) -> str:
        return FILE_TYPES[self.extension][1]

    @property
    def file_name(self) -> str:
        """The Chinese name the browser saves it under (附件1-省级财政专项资金目录清单（2022年）.docx)."""
        stem = _UNSAFE_FILE_NAME.sub("", self.title).strip(" .") or self.built.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        return f"{stem[:120]}.{self.extension}"


def planned_documents(ctx: RenderContext) -> frozenset[str]:
    """The paths (under build/) of every document the build will write: the Word and PDF files of
    the renderers the build registers as making documents, and the annual bundles it adds."""
    from docgen.build.plan import bundle_outputs
    from docgen.build.registry import DEFAULT_RENDERERS

    documents: list[Output] = []
    kinds: set[str] = set()
    for spec in DEFAULT_RENDERERS:
        if not spec.documents:
            continue
        try:
            module = importlib.import_module(spec.module)
        except ModuleNotFoundError as error:
            if error.name != spec.module:
                raise
            continue
        plan = getattr(module, "plan", None)
        if plan is not None:
            documents.extend(plan(ctx))
            kinds.add(spec.kind)
    documents.extend(bundle_outputs(documents, kinds))
    return frozenset(output.path for output in documents)


def ref_paths(ref: str) -> tuple[str, ...]:
    """The built documents an attachment ref names, whether or not they are planned."""
    kind, year, *rest = ref.split("/")
    if kind == "targets" and rest:
        return tuple(pattern.format(year=year, project=rest[0]) for pattern in PROJECT_TARGETS)
    return tuple(pattern.format(year=year) for pattern in REF_DOCUMENTS.get(kind, ()))


def attachment_downloads(attachment: AttachmentRef, number: int) -> list[Download]:
    """The files of a notice's 附件 ``number``, named 附件1-<its title>."""
    if attachment.ref is None:
        return []
    title = f"附件{number}-{attachment.title}"
    return [Download(path, title) for path in ref_paths(attachment.ref)]


def year_downloads(content: Content, year: int) -> list[Download]:
    """The documents of a fund-year: 目录清单, 分配方案, 绩效目标表 (Word and PDF), 绩效评价报告."""
    fund_name = content.site.fund_name if content.site else "专项资金"
    titles = {
        "catalog": f"省级财政专项资金目录清单（{year}年）",
        "allocation": f"{year}年{fund_name}分配方案",
        "targets": f"{year}年{fund_name}项目绩效目标表",
        "report": content.fund_evaluations[year].title if year in content.fund_evaluations else f"{year}年绩效评价报告",
        "bundle": f"{year}年{fund_name}文件包",
    }
    return [Download(path, title) for kind, title in titles.items() for path in ref_paths(f"{kind}/{year}")]


def project_downloads(project: Project) -> list[Download]:
    """A project's own 绩效目标表 (Word and PDF)."""
    title = f"{project.display_name}绩效目标表（{project.year}年）"
    return [Download(path, title) for path in ref_paths(f"targets/{project.year}/{project.id}")]
