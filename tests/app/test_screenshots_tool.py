"""`make screenshots` (tools/screenshots.py) runs the real app and writes the README's four pictures."""

from __future__ import annotations

import subprocess
import sys

from tests.app.conftest import ROOT


def test_screenshots_tool_writes_the_four_views(tmp_path):
    """The reader, event role filling, review and the library, each an SVG showing what it is named for."""
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "screenshots.py"), str(tmp_path)],
                            capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    expect = {"reader": "[GPE]", "event-roles": "ROLE&#160;Attacker", "review": "REVIEW",
              "library": "3&#160;of&#160;3&#160;documents"}
    for name, shown in expect.items():
        svg = (tmp_path / f"{name}.svg").read_text(encoding="utf-8")
        assert svg.startswith("<svg") and shown in svg, name
        assert "Traceback" not in svg
