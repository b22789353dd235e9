"""core/content.py: one loader, validated once, cached by content hash, plain data at run time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from backrelief.core import content
from backrelief.core.catalog import Step, Technique, load_catalog
from backrelief.core.conditions import load_conditions
from backrelief.core.content import ContentError, cached, parse_yaml, plain, validate
from backrelief.core.screening import load_screen
from backrelief.core.stop_rules import load_stop_rules


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cache"
    monkeypatch.setenv(content.CACHE_DIR_ENV, str(path))
    return path


def test_a_result_is_built_once_then_read_back(cache_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "data.yaml"
    source.write_text("a: 1\n")
    built: list[int] = []

    def build() -> dict[str, int]:
        built.append(1)
        return {"a": 1}

    assert cached("thing", [source], build) == {"a": 1}
    assert cached("thing", [source], build) == {"a": 1}
    assert built == [1]
    assert len(list(cache_dir.glob("thing-*.pickle"))) == 1


def test_an_edited_input_is_validated_again(cache_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "data.yaml"
    source.write_text("a: 1\n")
    assert cached("thing", [source], lambda: 1) == 1
    source.write_text("a: 2\n")
    assert cached("thing", [source], lambda: 2) == 2


def test_a_damaged_cache_file_is_rebuilt(cache_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "data.yaml"
    source.write_text("a: 1\n")
    cached("thing", [source], lambda: 1)
    (stored,) = cache_dir.glob("thing-*.pickle")
    stored.write_bytes(b"not a pickle")
    assert cached("thing", [source], lambda: 3) == 3
    assert cached("thing", [source], lambda: 4) == 3  # and the rebuilt one is kept


def test_an_unwritable_cache_only_costs_speed(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv(content.CACHE_DIR_ENV, str(blocker / "cache"))  # under a file
    source = tmp_path / "data.yaml"
    source.write_text("a: 1\n")
    assert cached("thing", [source], lambda: 5) == 5
    assert cached("thing", [source], lambda: 6) == 6


def test_the_cached_content_is_what_validation_gives(cache_dir: Path) -> None:
    root = content.content_root()
    parts = {
        content.shipped_catalog: lambda: load_catalog(root),
        content.shipped_screen: lambda: load_screen(root / "screening.yaml"),
        content.shipped_stop_rules: lambda: load_stop_rules(root / "stop_rules.yaml"),
        content.shipped_conditions: lambda: load_conditions(root / "conditions.yaml"),
    }
    for shipped, validated in parts.items():
        shipped.cache_clear()
        try:
            first = shipped()  # validates and stores
            shipped.cache_clear()
            second = shipped()  # from the file
        finally:
            shipped.cache_clear()
        assert first == validated() and second == first and second is not first


def test_plan_and_screen_run_without_pydantic_or_yaml(cache_dir: Path) -> None:
    # The run-time path reads plain dataclasses: the validators are imported only to validate.
    script = (
        "import sys\n"
        "from backrelief.core.catalog import default_catalog\n"
        "from backrelief.core.planner import Profile, plan_routine\n"
        "from backrelief.core.screening import evaluate\n"
        "from backrelief.core.stop_rules import decide\n"
        "assert plan_routine(Profile(), default_catalog()).items\n"
        "evaluate({})\n"
        "decide('sharp_or_worse')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'yaml')))\n"
    )
    env = {**os.environ, content.CACHE_DIR_ENV: str(cache_dir)}
    subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True)
    warm = subprocess.run([sys.executable, "-c", script], env=env, check=True,
                          capture_output=True, text=True)
    assert warm.stdout.strip() == "[]", warm.stdout


def test_validate_names_the_field_and_keeps_the_models_words() -> None:
    with pytest.raises(ContentError) as caught:
        validate(Step, {"text": "Hold it.", "seconds": 10, "colour": "red"}, "x.yaml")
    assert caught.value.field_path == "colour" and "Extra inputs" in caught.value.problem
    with pytest.raises(ContentError) as caught:
        validate(Step, {"seconds": 10}, "x.yaml")
    assert caught.value.field_path == "text" and "Field required" in caught.value.problem
    with pytest.raises(ContentError) as caught:
        validate(Step, {"text": "Hold it.", "reps": 31}, "x.yaml")
    assert caught.value.field_path == "reps" and "less than or equal to 30" in caught.value.problem
    with pytest.raises(ContentError, match=r"x\.yaml: expected a mapping of fields, got list"):
        validate(Technique, [], "x.yaml")


def test_parse_yaml_names_the_file() -> None:
    assert parse_yaml("a: [1, 2]\n", "f.yaml") == {"a": [1, 2]}
    with pytest.raises(ContentError, match=r"^f.yaml: not valid YAML"):
        parse_yaml("a: [1\n", "f.yaml")


def test_plain_gives_json_ready_data() -> None:
    step = Step(text="Hold it.", seconds=10, poses=["all-fours"])
    data = plain(step, exclude=("tip",))
    assert data["poses"] == ["all-fours"] and data["seconds"] == 10 and "tip" not in data


def test_a_changed_file_renews_only_the_parts_that_read_it(tmp_path: Path) -> None:
    import shutil

    from backrelief.core.content import content_root, fingerprint, part_inputs

    root = tmp_path / "content"
    shutil.copytree(content_root(), root)
    parts = ("catalog", "screen", "stop-rules", "conditions")

    def keys() -> dict[str, str]:
        return {part: fingerprint(part_inputs(part, root)) for part in parts}

    before = keys()
    technique = sorted((root / "techniques").glob("*.yaml"))[0]
    technique.write_text(technique.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    after_technique = keys()
    assert after_technique["catalog"] != before["catalog"]
    assert {p: after_technique[p] for p in parts[1:]} == {p: before[p] for p in parts[1:]}
    screen = root / "screening.yaml"
    screen.write_text(screen.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    after_screen = keys()
    assert after_screen["screen"] != after_technique["screen"]
    assert after_screen["catalog"] == after_technique["catalog"]
    sources = root / "sources.yaml"  # every part cites sources: every part is renewed
    sources.write_text(sources.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert all(value != after_screen[part] for part, value in keys().items())
    (root / "new-part.yaml").write_text("x: 1\n", encoding="utf-8")  # unknown: the catalogue's
    assert root / "new-part.yaml" in part_inputs("catalog", root)
