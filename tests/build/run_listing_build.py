"""``python -m tests.build.run_listing_build ROOT [--force] [--jobs N]``: a build with the test renderer.

What ``docgen build`` does, with the test renderer's registry instead of the default one, so
that a test can interrupt or kill a real build process at a moment it chooses.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from docgen.build import BuildOptions, build
from docgen.project import ProjectPaths
from tests.build.listing_renderer import RENDERERS


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("root", type=Path)
    parser.add_argument("--force", action="store_true")
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    report = build(ProjectPaths(args.root), BuildOptions(renderers=RENDERERS, jobs=args.jobs, force=args.force))
    print(report.to_json())
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
