"""Each what-if notebook executes headless (small replication counts) and writes its answer from its own numbers.

Every notebook ends with a markdown heading "## The answer" (no numbers typed into it) and one code cell tagged
`answer` that builds the planner's text from the computed tables. The tests execute each notebook as committed,
read that cell's output, and check its sentences against the numbers: the replications and seed used, and the
notebook's own result, recomputed here (notebook 01) or checked against its tables by the notebook's stated rule
(02, 03).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

import sim

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")

# Code run in the notebook's kernel after its answer cell: the results the answer must follow, as JSON.
PROBES = {
    "01-stations-and-roster": "print(json.dumps({'answer': found.answer}))",
    "02-pooling-and-courier": """print(json.dumps({
    'file_pool': FILE_PLAN[0],
    'plans': [{'every': e, 'when_full': bool(w), 'met': bool(r['met every sample target']),
               'trips': float(r['courier.trips']), 'age_max': float(r['samples.age_at_lab.max_min'])}
              for (e, w), r in courier_at.iterrows()],
    'tubes': {str(k): float(v) for k, v in n_tubes.items()},
}))""",
    "03-callup-and-waiting-zone": """print(json.dumps({
    'recommended': recommended,
    'rows': [{'interval': i, 'minutes': minutes[i], 'outside_max': float(r['outside max']),
              'last_swab': r['last swab verdict']} for i, r in mine.iterrows()],
}))""",
}


@pytest.fixture(scope="module")
def kernel(tmp_path_factory, monkeypatch_module) -> str:
    """A kernelspec that runs this very interpreter (the project's venv), whatever else is installed."""
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / "drill-test"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    spec.joinpath("kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "drill-sim tests", "language": "python"}), encoding="utf-8"
    )
    monkeypatch_module.setenv("JUPYTER_PATH", str(root))
    monkeypatch_module.setenv("MPLBACKEND", "Agg")
    return "drill-test"


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def parameters(book: Any) -> dict[str, Any]:
    """The values of the notebook's parameters cell."""
    cell = next(c for c in book.cells if "parameters" in c.metadata.get("tags", []))
    values: dict[str, Any] = {}
    exec(cell.source, {}, values)  # the committed parameters cell: plain assignments
    return values


def answer_index(book: Any) -> int:
    return next(i for i, c in enumerate(book.cells) if "answer" in c.metadata.get("tags", []))


def test_there_are_at_least_three_notebooks() -> None:
    assert len(NOTEBOOKS) >= 3
    assert {p.stem for p in NOTEBOOKS} >= set(PROBES)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_clean(path: Path) -> None:
    book = nbformat.read(path, as_version=4)
    code = [c for c in book.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "commit notebooks without outputs"
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and "REPLICATIONS = 3" in tagged[0].source
    assert sum(c.cell_type == "markdown" for c in book.cells) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_answer_is_code_not_typed(path: Path) -> None:
    """The last code cell writes the answer; the heading above it holds no number."""
    book = nbformat.read(path, as_version=4)
    i = answer_index(book)
    assert [c for c in book.cells if "answer" in c.metadata.get("tags", [])] == [book.cells[i]]
    assert book.cells[i] is [c for c in book.cells if c.cell_type == "code"][-1]
    heading = book.cells[i - 1]
    assert heading.cell_type == "markdown" and heading.source.startswith("## The answer")
    assert not re.search(r"\d", heading.source), "no result typed into the answer's heading"
    assert "Markdown(" in book.cells[i].source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes_and_answers_from_its_numbers(path: Path, kernel: str) -> None:
    book = nbformat.read(path, as_version=4)
    params = parameters(book)
    i = answer_index(book)
    book.cells.insert(i + 1, nbformat.v4.new_code_cell("import json\n" + PROBES[path.stem]))
    client = nbclient.NotebookClient(book, kernel_name=kernel, timeout=300,
                                     resources={"metadata": {"path": str(path.parent)}})  # fmt: skip
    client.execute()  # raises CellExecutionError with the cell and traceback on any error
    errors = [o for c in book.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors

    shown = [o["data"]["text/markdown"] for o in book.cells[i].outputs if "text/markdown" in o.get("data", {})]
    assert len(shown) == 1, "the answer cell displays one Markdown text"
    text = shown[0]
    assert len(NUMBER.findall(text)) >= 10, text
    seed = params["SEED"] if params["SEED"] is not None else sim.load_scenario(ROOT / params["SCENARIO"]).seed
    assert f"{params['REPLICATIONS']} replications" in text and f"seed {seed}" in text
    facts = json.loads(book.cells[i + 1].outputs[0]["text"])
    CHECKS[path.stem](text, facts, params, seed)


def check_stations(text: str, facts: dict[str, Any], params: dict[str, Any], seed: int) -> None:
    """The stations named are those an independent search with the notebook's parameters finds."""
    base = sim.load_scenario(ROOT / params["SCENARIO"])
    targets = [f"wait.total.p95_min<={params['WAIT_TARGET_MIN']}",
               f"time.completion_min<={params['COMPLETION_TARGET_MIN']}"]  # fmt: skip
    cap = params["SEARCH_MAX_REPLICATIONS"]
    found = sim.api.search(base, "site.sampling.stations", params["SEARCH_LOW"], params["SEARCH_HIGH"], targets, seed,
                           max_replications=cap, min_replications=min(10, cap))  # fmt: skip
    assert facts["answer"] == found.answer is not None
    assert f"**{found.answer} stations** is the fewest that meets both targets" in text
    assert f"{found.answer - 1} stations miss" in text or f"{found.answer - 1} stations is uncertain" in text
    assert "fewer than the 10 it takes by default" in text  # 3 replications per value: it says so


def check_courier(text: str, facts: dict[str, Any], params: dict[str, Any], seed: int) -> None:
    """The recommended courier plan meets every sample target and has the fewest trips of those that do."""
    met = [p for p in facts["plans"] if p["met"]]
    assert met, "the seed drill has a courier plan that keeps every tube within the limit"
    best = min(met, key=lambda p: (p["trips"], p["age_max"]))
    name = f"every {best['every']}" + (" or for a full box" if best["when_full"] else "")
    assert f"**Recommended: {name}**" in text
    for n, tubes in facts["tubes"].items():
        assert f"{n}-in-1 {tubes:,.0f} tubes" in text
    assert "run with REPLICATIONS = 20" in text  # a 'met' from 3 replications says how little it proves


def check_callup(text: str, facts: dict[str, Any], params: dict[str, Any], seed: int) -> None:
    """The recommended interval is the shortest with nobody outside in any replication and the last swab met."""
    ok = [r for r in facts["rows"] if r["outside_max"] == 0 and r["last_swab"] == "met"]
    assert ok, "some interval of the seed drill keeps everyone inside the waiting zone"
    best = min(ok, key=lambda r: r["minutes"])
    assert facts["recommended"] == best["interval"]
    assert f"**Recommended: call a building every {best['minutes']:g} min.**" in text
    shorter = [r for r in facts["rows"] if r["minutes"] < best["minutes"]]
    assert all(r["outside_max"] > 0 or r["last_swab"] != "met" for r in shorter)


CHECKS = {"01-stations-and-roster": check_stations, "02-pooling-and-courier": check_courier,
          "03-callup-and-waiting-zone": check_callup}  # fmt: skip
