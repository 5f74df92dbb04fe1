"""`tradewind plugins` and what the plugins of `[core] plugins_folder` hold, through the real CLI.

The plugin files are Airflow's own shape (`airflow.plugins_manager.AirflowPlugin`); the one that
does not import is reported on stderr with a non-zero exit, and does not hide the others.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

PLUGIN = """
    import sys
    from pathlib import Path

    from airflow.hooks.base import BaseHook
    from airflow.plugins_manager import AirflowPlugin


    def days_to_go(ds):
        return 7


    class WarehouseHook(BaseHook):
        pass


    class WarehousePlugin(AirflowPlugin):
        name = "warehouse"
        macros = [days_to_go]
        hooks = [WarehouseHook]
        listeners = [sys.modules[__name__]]

        @classmethod
        def on_load(cls, *args, **kwargs):
            (Path(__file__).parent / "loaded.txt").write_text("on_load ran")
"""


def test_plugins_lists_what_each_plugin_holds_and_reports_broken_files(tradewind_home: Path, cli_process) -> None:
    folder = tradewind_home / "plugins"
    folder.mkdir()
    (folder / "warehouse.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    result = cli_process("plugins", "-o", "json")
    assert result.code == 0, result.err
    [info] = json.loads(result.out)
    module = "tradewind_plugin_warehouse"
    assert info["name"] == "warehouse" and info["source"] == "$PLUGINS_FOLDER/warehouse.py"
    assert info["macros"] == [f"{module}.days_to_go"]
    assert info["hooks"] == [f"{module}.WarehouseHook"]
    assert info["listeners"] == [module]
    assert info["timetables"] == [] and info["flask_blueprints"] == []
    assert (folder / "loaded.txt").read_text() == "on_load ran"  # Airflow calls on_load when it loads a plugin

    table = cli_process("plugins")
    assert "warehouse" in table.out and "macros: tradewind_plugin_warehouse.days_to_go" in table.out

    (folder / "broken.py").write_text("from airflow.plugins_manager import AirflowPlugin\nraise ValueError('nope')\n")
    result = cli_process("plugins", "-o", "json")
    assert result.code == 1
    assert [i["name"] for i in json.loads(result.out)] == ["warehouse"]
    [line] = [x for x in result.err.splitlines() if x.startswith("tradewind: error:")]
    assert "broken.py did not load: ValueError: nope (line 2)" in line
    assert "Traceback" not in result.err


def test_no_plugins_folder_lists_nothing(cli_process) -> None:
    result = cli_process("plugins", "-o", "json")
    assert result.code == 0 and json.loads(result.out) == []
