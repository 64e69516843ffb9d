"""Datasets of benchmark circuits: folders, the generated ``families``, the plugin kind."""

from __future__ import annotations

import importlib.metadata as md
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qloom import Circuit, qasm2
from qloom.datasets import (
    CircuitList,
    Dataset,
    DatasetError,
    FamiliesDataset,
    FolderDataset,
    get_dataset,
)
from qloom.datasets.families import FAMILIES
from qloom.errors import BrokenPluginError, OptionError, QasmError, QasmLimitError
from qloom.plugins import Registry, get_registry
from qloom.qasm2 import QasmLimits
from qloom.testing.dense import apply_operations
from support import require_distribution

BELL = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nh q[0];\ncx q[0], q[1];\n'


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "bench"
    (root / "sub").mkdir(parents=True)
    (root / "bell.qasm").write_text(BELL)
    (root / "sub" / "ghz3.qasm").write_text(
        'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\nh q[0];\ncx q[0],q[1];\ncx q[1],q[2];\n'
    )
    (root / "notes.txt").write_text("not a circuit")
    return root


# -- FolderDataset --------------------------------------------------------------------------


def test_a_folder_lists_its_qasm_files_by_relative_name_and_loads_them(folder):
    data = FolderDataset(folder)
    assert data.names() == ["bell", "sub/ghz3"]
    assert list(data) == data.names() and len(data) == 2 and "sub/ghz3" in data
    circuit = data.load("sub/ghz3")
    assert circuit.num_qubits == 3 and circuit.count_2q() == 2 and circuit.name == "sub/ghz3"
    assert data.info.size == 2 and data.info.name == "bench" and data.info.source == str(folder)
    assert [n for n, _ in data.circuits()] == ["bell", "sub/ghz3"]
    assert FolderDataset(folder, "*.qasm").names() == ["bell"]


def test_each_load_is_a_new_circuit(folder):
    data = FolderDataset(folder)
    first = data.load("bell")
    first.h(1)
    assert len(data.load("bell")) == 2


def test_an_unknown_name_suggests_the_closest(folder):
    with pytest.raises(DatasetError, match=r"has no circuit 'bel'; did you mean 'bell'"):
        FolderDataset(folder).load("bel")


@pytest.mark.parametrize(
    "name", ["../bench/bell", "/etc/passwd", "sub/../../x", "\\x", "", "bell\x00", "."]
)
def test_names_that_leave_the_folder_are_refused(folder, name):
    with pytest.raises(DatasetError, match="refused"):
        FolderDataset(folder).load(name)


def test_a_symlink_out_of_the_folder_is_neither_listed_nor_read(folder, tmp_path):
    secret = tmp_path / "outside"
    secret.mkdir()
    (secret / "leak.qasm").write_text(BELL)
    (folder / "link.qasm").symlink_to(secret / "leak.qasm")
    (folder / "linkdir").symlink_to(secret, target_is_directory=True)
    (folder / "inside.qasm").symlink_to(folder / "bell.qasm")  # inside: fine
    data = FolderDataset(folder)
    assert data.names() == ["bell", "inside", "sub/ghz3"]
    assert FolderDataset(folder, "linkdir/*.qasm").names() == []
    for name in ("link", "linkdir/leak"):
        with pytest.raises(DatasetError, match="resolves outside the dataset folder"):
            data.load(name)


def test_patterns_must_stay_inside_and_match_qasm_files(folder):
    for pattern in ("../*.qasm", "/tmp/*.qasm", "**/*.txt", ""):
        with pytest.raises(DatasetError, match="pattern"):
            FolderDataset(folder, pattern)
    with pytest.raises(DatasetError, match="is not a folder"):
        FolderDataset(folder / "bell.qasm")


def test_file_size_and_file_count_are_bounded(folder):
    small = QasmLimits(max_source_bytes=20)
    with pytest.raises(QasmLimitError, match="max_source_bytes"):
        FolderDataset(folder, limits=small).load("bell")
    with pytest.raises(DatasetError, match="more than 1 files"):
        FolderDataset(folder, max_files=1).names()


def test_bad_qasm_is_located_file_line_column(folder):
    (folder / "bad.qasm").write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nhh q[0];\n')
    with pytest.raises(QasmError) as info:
        FolderDataset(folder).load("bad")
    assert info.value.line == 4 and info.value.column == 1
    assert str(folder / "bad.qasm") in str(info.value)


def test_refresh_lists_files_added_since(folder):
    data = FolderDataset(folder)
    assert len(data) == 2
    (folder / "later.qasm").write_text(BELL)
    assert len(data) == 2
    data.refresh()
    assert "later" in data.names()


def test_the_shared_benchmarks_work_as_a_dataset(shared_benchmarks):
    data = get_dataset(shared_benchmarks, pattern="circuits/*.qasm")
    assert "circuits/qft_n10" in data and len(data) >= 40
    circuit = data.load("circuits/qft_n10")
    assert circuit.num_qubits == 10
    assert circuit == qasm2.load(shared_benchmarks / "circuits" / "qft_n10.qasm")
    everything = get_dataset(str(shared_benchmarks))
    assert "batch200/003_qft_n9_3" in everything and "queko" not in everything


# -- in memory and generated ----------------------------------------------------------------


def test_a_circuit_list_copies_and_names_its_circuits():
    bell = Circuit(2, name="bell").h(0).cx(0, 1)
    data = CircuitList([bell, Circuit(1).x(0)])
    assert data.names() == ["bell", "circuit_1"]
    bell.x(1)
    assert len(data.load("bell")) == 2
    with pytest.raises(DatasetError, match="two circuits are called 'a'"):
        CircuitList([Circuit(1, name="a"), Circuit(1, name="a")])
    with pytest.raises(DatasetError, match="not a Circuit"):
        CircuitList({"x": "OPENQASM 2.0;"})  # type: ignore[dict-item]


def test_families_are_generated_the_same_every_time_and_compute_what_they_say():
    data = FamiliesDataset()
    assert len(data) == len(FAMILIES) * 9 and data.names() == sorted(data.names())
    assert data.load("random_n8") == FamiliesDataset().load("random_n8")
    qft = data.load("qft_n5")
    assert qft.count_ops()["cp"] == 10 and qft.count_ops()["swap"] == 2
    assert data.load("ghz_n6").count_2q() == 5
    bv = data.load("bv_n5")  # secret 1101 on the four data qubits
    assert bv.count_2q() == 3
    small = FamiliesDataset(["qft"], [3])
    assert small.names() == ["qft_n3"]
    # the 3-qubit QFT's unitary is the DFT matrix (qubit 0 least significant)
    dft = np.array([[np.exp(2j * np.pi * j * k / 8) for k in range(8)] for j in range(8)])
    columns = []
    for k in range(8):
        state = np.zeros(8, dtype=complex)
        state[k] = 1
        columns.append(apply_operations(state, small.load("qft_n3"), 3))
    assert np.allclose(np.array(columns).T, dft / np.sqrt(8))


def test_families_refuse_unknown_families_and_sizes():
    with pytest.raises(DatasetError, match="unknown circuit family 'qtf'"):
        FamiliesDataset(["qtf"])
    with pytest.raises(DatasetError, match="sizes must be qubit counts from 3 to 64"):
        FamiliesDataset(sizes=[2])


# -- the plugin kind ------------------------------------------------------------------------


def test_get_dataset_finds_the_core_plugin_with_options():
    data = get_dataset("families", families=["ghz"], sizes=[3, 4])
    assert isinstance(data, FamiliesDataset) and data.names() == ["ghz_n3", "ghz_n4"]
    assert get_dataset(data) is data
    info = get_registry().info("datasets", "families")
    assert info.distribution == "qloom" and info.target == "qloom.datasets.families:families"
    with pytest.raises(OptionError, match="qubits"):
        get_dataset("families", qubits=3)


def test_an_unknown_dataset_name_lists_the_installed_ones():
    with pytest.raises(Exception) as info:
        get_dataset("familes")
    assert "families" in str(info.value) and "dataset" in str(info.value)


def test_a_third_party_dataset_plugin_is_found_by_its_entry_point():
    require_distribution("qloom-fixture-good")
    data = get_dataset("fixture_circuits")
    assert data.names() == ["bell", "small/line3"]
    line = data.load("small/line3")
    assert line.count_2q() == 2
    assert get_registry().info("datasets", "fixture_circuits").distribution == (
        "qloom-fixture-good"
    )


def test_a_broken_dataset_plugin_is_recorded_and_the_others_keep_working():
    eps = [
        md.EntryPoint("families", "qloom.datasets.families:families", "qloom.datasets"),
        md.EntryPoint("gone", "qloom_no_such_module:factory", "qloom.datasets"),
        md.EntryPoint("notone", "qloom.circuit:Circuit", "qloom.datasets"),
    ]
    registry = Registry(entry_points=eps)
    with pytest.raises(BrokenPluginError, match="qloom_no_such_module"):
        get_dataset("gone", registry=registry)
    assert [b.info.name for b in registry.broken()] == ["gone"]
    assert len(get_dataset("families", registry=registry)) == 45
    with pytest.raises(Exception, match="built a Circuit, not a Dataset"):
        get_dataset("notone", registry=registry, num_qubits=2)


def test_a_dataset_subclass_needs_only_names_and_load():
    class Two(Dataset):
        name = "two"

        def names(self) -> list[str]:
            return ["a", "b"]

        def _load(self, name: str) -> Circuit:
            return Circuit(1 if name == "a" else 2)

    data = Two()
    assert len(data) == 2 and data.load("b").num_qubits == 2 and "c" not in data
    with pytest.raises(DatasetError, match="no circuit 'c'"):
        data.load("c")


def test_qloom_plugins_lists_the_datasets(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("QLOOM_")}
    done = subprocess.run(
        [sys.executable, "-m", "qloom", "plugins", "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    rows = {(r["kind"], r["name"]): r for r in json.loads(done.stdout)}
    assert rows["datasets", "families"]["distribution"] == "qloom"
    assert rows["datasets", "families"]["status"] == "ok"


@settings(max_examples=200, derandomize=True, deadline=None)
@given(name=st.text(alphabet=["a", ".", "/", "\\", "~", "b", "\x00", " "], max_size=12))
def test_no_name_reads_a_file_outside_the_folder(tmp_path_factory, name):
    base = tmp_path_factory.mktemp("fuzz")
    root = base / "bench"
    (root / "a").mkdir(parents=True)
    (root / "a" / "b.qasm").write_text(BELL)
    (base / "b.qasm").write_text(BELL.replace("h q[0];", "x q[1];"))  # outside: never read
    (root / "a" / "up.qasm").symlink_to(base / "b.qasm")
    data = FolderDataset(root)
    try:
        circuit = data.load(name)
    except DatasetError:
        return
    assert name in data.names() and name == "a/b"
    assert circuit.count_ops() == {"h": 1, "cx": 1}


# -- conformance ----------------------------------------------------------------------------


def test_check_dataset_passes_the_datasets_qloom_ships(folder):
    from qloom.testing import check_dataset

    for data in (FamiliesDataset(), FolderDataset(folder), CircuitList([Circuit(2).h(0)])):
        report = check_dataset(data, load=3)
        assert not report.failures and len(report.checks) >= 9, str(report)


def test_check_dataset_lists_every_broken_promise():
    from qloom.testing import check_dataset

    shared = Circuit(2).h(0)

    class Careless(Dataset):
        name = "careless"

        def names(self) -> list[str]:
            return ["b", "a", "a"]

        def __contains__(self, name: object) -> bool:
            return True

        def load(self, name: str) -> Circuit:  # no check of the name, one shared object
            return shared

        def _load(self, name: str) -> Circuit:
            return shared

    report = check_dataset(Careless(), raise_on_failure=False)
    failed = {c.name for c in report.failures}
    assert failed == {
        "names sorted, each once",
        "load b gives a new circuit",
        "unknown name",
        "contains unknown",
    }, str(report)
    with pytest.raises(AssertionError, match="4 conformance check"):
        check_dataset(Careless())
    assert [c.name for c in check_dataset(42, raise_on_failure=False).failures] == ["type"]


def test_the_doctor_reports_a_dataset_that_breaks_its_promises(tmp_path):
    from qloom.doctor.checks import _check_dataset

    eps = [
        md.EntryPoint("good", "qloom.datasets.families:families", "qloom.datasets"),
        md.EntryPoint("notone", "qloom.circuit:Circuit", "qloom.datasets"),
    ]
    registry = Registry(entry_points=eps)
    good = _check_dataset(registry, "good")
    assert good.status == "ok" and good.detail == "45 circuits"
    assert _check_dataset(registry, "notone").status == "skipped"  # Circuit() needs qubits


def test_split_is_deterministic_disjoint_and_holds_out_at_least_one():
    data = FamiliesDataset(["qft", "ghz"], [3, 4, 5, 6])
    kept, out = data.split(0.25, seed=3)
    assert sorted(kept.names() + out.names()) == data.names() and len(out) == 2
    assert not set(kept.names()) & set(out.names())
    again = data.split(0.25, seed=3)
    assert (again[0].names(), again[1].names()) == (kept.names(), out.names())
    other = [data.split(0.25, seed=s)[1].names() for s in range(6)]
    assert len({tuple(o) for o in other}) > 1
    assert len(FamiliesDataset(["qft"], [3, 4]).split(0.01)[1]) == 1
    assert len(data.split(0)[1]) == 0
    name = out.names()[0]
    assert out.load(name) == data.load(name) and name not in kept
    with pytest.raises(DatasetError, match="has no circuit"):
        kept.load(name)
    with pytest.raises(DatasetError, match=r"fraction in \[0, 1\)"):
        data.split(1.0)


def test_a_subset_refuses_names_its_dataset_lacks():
    data = FamiliesDataset(["qft"], [3, 4])
    assert data.subset(["qft_n4"]).names() == ["qft_n4"]
    with pytest.raises(DatasetError, match="no circuit 'qft_n9'"):
        data.subset(["qft_n9"])
    from qloom.testing import check_dataset

    assert not check_dataset(data.subset(["qft_n3", "qft_n4"]), load=2).failures
