"""The build (构建): every output of the annual bundle, incremental, parallel, atomic, reproducible.

``docgen build`` = :func:`build`. Its steps:

1. **Hash the inputs.** sha256 of every file under content/ and templates/, of docgen's own
   code and data (plus its version and the rendering libraries' versions), and the build dates
   (:class:`~docgen.build.inputs.BuildDates`: SOURCE_DATE_EPOCH from the environment for every
   output, else each output's own, the last commit that changed a file it is made of, else a
   constant: a merge that edits one project re-dates only the documents made of it). If the
   manifest says this selection (``--year``/``--only``) last built completely from exactly
   these inputs, and every output it wrote still has its recorded size and modification time,
   there is nothing to do: no YAML is parsed, no renderer imported (the no-op rebuild).
2. **Check.** Load and check all content (:func:`docgen.api.check`); with any error, refuse
   to render and report the diagnostics.
3. **Plan.** Each renderer module of the registry (:mod:`docgen.build.registry`) gives its
   outputs through ``plan(ctx) -> list[Output]``; a module that does not exist yet is skipped
   with a notice. The build adds one ``<year>/bundle.zip`` per year with documents
   (:mod:`docgen.build.bundle`). ``--only`` and ``--year`` select outputs; whatever a selected
   output reads (``Output.after``) is selected with it.
4. **Render what is stale**, each output as soon as the outputs it reads are done: an output
   whose fingerprint — the hash of its content files, templates, the code, its build date, its
   render function and arguments, and the bytes of the outputs it reads — equals the recorded
   one, and whose file is intact, is left alone; the others render inline or, when workers
   shorten the work by more than they cost to start, in ``-j`` spawned worker processes
   (:mod:`docgen.build.runner`). A build that may render PDFs forks a PDF helper first, before
   it checks anything (:class:`~docgen.build.runner.PdfHelper`: WeasyPrint and its fonts load on
   the other core during the check); the PDFs of an inline build render there while the build
   process renders the Word files and pages, the shortest first, so that what the helper
   finishes (a sheet) is taken and what it makes ready (the year's book) given to it at once.
   Worker processes keep their temporary files (WeasyPrint's folder of the fonts it registers)
   in a folder the build removes however they end. Rendered bytes are staged in
   ``<out>/.docgen-staging/`` under their fingerprint. The bundles are streamed into their
   staging file by the build process itself (``Output.streamed``: ~70 MB a year at 1,000
   projects); an output that is another's bytes (``Output.copy_of``: the site's copy of a
   document) is staged as a hard link to that file, not rendered. After the check the build
   keeps the content's text instead of its positions (~200 MB at 1,000 projects) and finds
   them again for a render's diagnostic.
5. **Commit**, only when every render succeeded (:mod:`docgen.build.writer`): staged files
   replace their outputs atomically, outputs no longer planned in the selection are removed,
   and the manifest ``<out>/.docgen-manifest.json`` is saved (:mod:`docgen.build.manifest`).
   A build interrupted or failed before this point has changed no output; what it staged is
   taken as is by the next build.

Contract for renderer modules (docx, pdf, site):

* ``plan(ctx: RenderContext) -> list[Output]``: cheap, deterministic, no rendering. Import
  heavy libraries (WeasyPrint, docxtpl) inside render functions, never at module level: the
  build imports every renderer module to plan.
* An ``Output`` lists *everything* its bytes depend on: ``content_files`` (project-relative,
  e.g. ``ctx.content_rel("project/2023/<id>")``, and the fund, evaluation and ``site.yaml`` files
  it reads), ``templates`` (templates and assets, project-relative). What is not listed does
  not re-render the output when it changes. docgen's own code and the build date are covered
  by the build.
* ``Output.path`` is a safe relative path (:func:`docgen.build.writer.path_problem`); a
  document of a year lives under ``<year>/`` (that puts it in the year's bundle).
* A render function ``render_x(ctx, *output.args) -> bytes`` writes no file, reads its output's
  build date from ``ctx.source_date_epoch`` (SOURCE_DATE_EPOCH is also set in its environment), and
  reports problems in content or templates on ``ctx.diagnostics`` (an error there fails the
  output; the build then commits nothing). It may run in a worker process, where
  ``ctx.content.documents`` (the positions of content values) is empty: positions are for
  ``docgen check``, which runs before any render.
* **Outputs that read other outputs** (the website's download links show the size of each
  document): list their paths in ``Output.after``. The build renders them first and gives their
  bytes as ``ctx.built[path]`` (so the size is ``len(ctx.built[path])``): a read-only mapping
  that holds exactly the declared paths (anything else is a ``KeyError``), read on access from
  the staged or unchanged file. Their sha256 is part of the reader's fingerprint: when a
  document changes, the page that links to it renders again; when it does not, the page does
  not. Outputs may read the bundles (``<year>/bundle.zip``) the same way.
* One ``Output`` is one file. Outputs that share expensive work name the same ``Output.batch``
  (the search index files, cut from one index of every page): a worker renders a batch
  together, in one process, instead of each worker redoing the shared part. ``ctx.built_hashes``
  gives the sha256 of each ``after`` output without reading it.
* The PDF renderer may offer ``warm_up()`` (WeasyPrint, one ``FontConfiguration`` per process
  and the role faces registered in it); each worker calls it once at start when PDFs are due.
"""

from __future__ import annotations

from docgen.build.engine import BuildError, BuildOptions, Progress, build, parse_kinds
from docgen.build.registry import DEFAULT_RENDERERS, RendererSpec, known_kinds
from docgen.build.report import BuildReport, Status

__all__ = [
    "DEFAULT_RENDERERS",
    "BuildError",
    "BuildOptions",
    "BuildReport",
    "Progress",
    "RendererSpec",
    "Status",
    "build",
    "known_kinds",
    "parse_kinds",
]
