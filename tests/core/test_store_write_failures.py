"""Store writes that fail or race: rolled back, reported as StoreError, nothing lost, no duplicate.

Real SQLite throughout: a full database (``max_page_count``), a full file
system (a subprocess with RLIMIT_FSIZE lowered and SIGXFSZ ignored), a lock
held by another process, two stores of one annotator interleaving.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tui.core.errors import StoreError
from tui.core.model import Document, Span
from tui.core.store import Store, StoreBusy

TEXT = "Alice met Bob in Basra. " * 20


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "w.db"
    with Store(path, annotator="alice") as store:
        store.add_document(Document(name="d", text=TEXT))
    return path


def _span(store: Store, start: int = 0, end: int = 5, label: str = "PER") -> Span:
    return Span(label=label, fragments=[(start, end)], doc_id=store.document("d").id)


def test_full_database_is_a_store_error_and_nothing_is_half_written(db):
    """SQLITE_FULL in an action: StoreError naming the cause, the action rolled back, the store still usable."""
    with Store(db, annotator="alice") as store:
        store.add(_span(store))
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(StoreError, match="disk is full"):
            with store.action("many", store.document("d").id) as tx:
                for i in range(2000):
                    tx.add(Span(label="PER", fragments=[(i % 400, i % 400 + 1)], doc_id=store.document("d").id,
                                source_id=f"s{i}"))
        assert not store.conn.in_transaction
        store.conn.execute("PRAGMA max_page_count = 1073741823")
        assert len(store.annotations(store.document("d").id).spans) == 1
        store.add(_span(store, 10, 13, "PER"))  # the store goes on
    with Store(db, annotator="alice") as again:
        assert len(again.annotations(again.document("d").id).spans) == 2


FSIZE_WRITER = textwrap.dedent("""
    import resource, signal, sys
    from tui.core.errors import StoreError
    from tui.core.model import Span
    from tui.core.store import Store
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    store = Store(sys.argv[1], annotator="alice")
    doc = store.document("d")
    store.conn.execute("PRAGMA journal_mode = DELETE")  # every write goes to the main file
    size = store.path.stat().st_size
    hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))  # the disk is full now
    try:
        with store.action("big", doc.id) as tx:
            for i in range(5000):
                tx.add(Span(label="PER", fragments=[(i % 400, i % 400 + 1)], doc_id=doc.id, source_id=f"s{i}"))
    except StoreError as exc:
        print("refused:", exc)
    resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
    store.add(Span(label="LOC", fragments=[(17, 22)], doc_id=doc.id))
    print("spans", len(store.annotations(doc.id).spans))
""")


def test_full_file_system_in_a_real_process(db):
    """A write past RLIMIT_FSIZE (EFBIG, as on a full disk): a StoreError, then the next write works."""
    out = subprocess.run([sys.executable, "-c", FSIZE_WRITER, str(db)], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("refused:") and "nothing was written" in lines[0], out.stdout
    assert lines[-1] == "spans 1"
    assert "Traceback" not in out.stderr


HOLD = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
"""


def test_short_busy_timeout_raises_store_busy_quickly(db):
    """With another process writing, a store set to wait 0.1 s raises StoreBusy and writes nothing."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with Store(db, annotator="alice") as store:
            store.set_busy_timeout(0.1)
            with pytest.raises(StoreBusy, match="another process is writing"):
                store.add(_span(store))
            holder.stdin.write("\n")
            holder.stdin.flush()
            holder.wait(timeout=10)
            store.add(_span(store))
            assert len(store.annotations(store.document("d").id).spans) == 1
    finally:
        holder.kill()
        holder.wait()


def test_two_stores_of_one_annotator_cannot_add_the_same_span_twice(db):
    """Interleaved: both read no span, both add the same one; the second adds nothing and reports it."""
    a = Store(db, annotator="alice")
    b = Store(db, annotator="alice")
    try:
        for s in (a, b):
            s.unique_spans = True
        doc_id = a.document("d").id
        assert a.annotations(doc_id).spans == [] and b.annotations(doc_id).spans == []
        first = a.add(_span(a))
        second = b.add(_span(b))
        assert second.id == first.id and b.last_duplicates == [first.id] and b.last_changes == []
        assert len(a.annotations(doc_id).spans) == 1
        # Another label, other words, or another annotator: a new span.
        b.add(_span(b, label="LOC"))
        b.add(_span(b, 6, 9))
        assert len(b.annotations(doc_id).spans) == 3
        with Store(db, annotator="bob") as bob:
            bob.unique_spans = True
            bob.add(_span(bob))
        assert len(a.annotations(doc_id).spans) == 4
        # A rejected span does not count: tagging the words again adds one.
        rejected = next(s for s in a.annotations(doc_id).spans if s.label == "LOC")
        rejected.status = "rejected"
        a.update(rejected)
        a.add(_span(a, label="LOC"))
        assert len(a.annotations(doc_id).spans) == 5
    finally:
        a.close()
        b.close()


DUP_WRITER = """
import sys
from tui.core.model import Span
from tui.core.store import Store
store = Store(sys.argv[1], annotator="alice")
store.unique_spans = True
doc = store.document("d")
added = 0
for i in range(20):
    s = store.add(Span(label="PER", fragments=[(i * 24, i * 24 + 5)], doc_id=doc.id))
    added += not store.last_duplicates
print(added)
"""


def test_two_processes_of_one_annotator_tagging_the_same_words(db):
    """Two processes tag the same 20 words at once: 20 spans, each added by exactly one."""
    procs = [subprocess.Popen([sys.executable, "-c", DUP_WRITER, str(db)], stdout=subprocess.PIPE, text=True)
             for _ in range(2)]
    added = [int(p.communicate(timeout=120)[0]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    with Store(db, annotator="alice") as store:
        spans = store.annotations(store.document("d").id).spans
    assert len(spans) == 20 and sum(added) == 20
