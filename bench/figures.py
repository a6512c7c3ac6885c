"""One measurement per process: ``python -m bench.figures NAME JSON-ARGS`` prints a JSON result.

Each figure runs in a fresh interpreter so peak RSS (``ru_maxrss``) is its
own and nothing is warm that a user's first run would not have warm.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_FPS", "1000")  # the frame timer must not add idle time

import asyncio  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import sqlite3  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

KEYS = {
    "cursor": "down",
    "word": "w",
    "pagedown": "pagedown",
    "pageup": "pageup",
    "extend": "shift+right",
    "tag": "1",
}
CACHE = Path(__file__).parent / ".data"


def ensure_db(path: Path, size: int, variant: str, spans: int) -> str:
    """The input database's document name, generating it in another process if missing.

    Generating 5 MB and 50k spans allocates far more than reading them, so it
    must not happen in the process whose peak RSS is being measured.
    """
    import subprocess

    if not path.exists():
        CACHE.mkdir(exist_ok=True)
        code = ("import sys; from pathlib import Path; from bench.inputs import build_db; "
                "build_db(Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))")
        subprocess.run([sys.executable, "-c", code, str(path), str(size), variant, str(spans)],
                       check=True, cwd=Path(__file__).parent.parent)
    return f"bench-{variant}-{size}"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def summary(values: list[float]) -> dict:
    return {"median": statistics.median(values), "p99": pct(values, 0.99), "n": len(values)}


# ---------------------------------------------------------------------------
# key -> frame


async def _press_and_wait(app, recorder, key: str, settle: float = 0.03, shows=None) -> float:
    """Post a key like a terminal would; return seconds until the last frame it caused.

    The key's frames are over when none has come for ``settle`` seconds. With
    ``shows`` (a test of what ``recorder.probe`` saw as a frame was drawn), not
    before a frame that shows it: on a busy machine the pause between a key's
    first frame (its status line) and the one with its result can pass
    ``settle``, and stopping there would under-count the key.
    """
    from textual import events

    char = key if len(key) == 1 else None
    recorder.clear()
    t0 = time.perf_counter()
    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)
    deadline = t0 + 2.0
    while True:
        await asyncio.sleep(0.001)
        now = time.perf_counter()
        shown = shows is None or any(shows(state) for state in recorder.states)
        if shown and recorder.times and now - recorder.times[-1] > settle:
            return recorder.times[-1] - t0
        if now > deadline:
            return (recorder.times[-1] - t0) if recorder.times and shown else float("nan")


async def _keyframe(app, keys: list[str], presses: int, undo_tags: bool = True) -> dict:
    from tui.app.frames import FrameRecorder

    out = {}
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause(0.3)
        rec = FrameRecorder(keep_text=False, probe=lambda: _span_count(app)).attach(app)
        # Let background work after opening finish (wrapping a long non-ASCII text
        # from the viewport outwards repaints the scrollbar as rows are counted):
        # its frames are not caused by the keys measured.
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < 60:
            await asyncio.sleep(0.05)
            if not rec.times or time.perf_counter() - rec.times[-1] > 0.5:
                break
        for name in keys:
            key = KEYS[name]
            times = []
            no_span = 0
            if name == "tag":
                await _onto_a_word(app, rec)
            for i in range(presses):
                k = key
                if name == "pagedown" and i % 2:
                    k = "pageup"
                if name == "pageup":
                    # untimed: a page up needs somewhere to go (at the top it draws nothing)
                    await _press_and_wait(app, rec, "pagedown")
                spans = _span_count(app)
                shows = None
                if name == "tag" and spans is not None:
                    def shows(state, spans=spans):
                        return state == spans + 1  # the frame that shows the new span
                times.append(await _press_and_wait(app, rec, k, shows=shows) * 1000)
                if name == "tag" and spans is not None and not await _tagged(app, spans):
                    no_span += 1  # a tag that tagged nothing measures nothing
                if name == "tag" and undo_tags:
                    # keep the document the same size: undo what was tagged (not timed;
                    # the bare view has nothing to undo, and a key that draws nothing
                    # would wait out the 2 s deadline)
                    await _press_and_wait(app, rec, "u")
            drawn = [t for t in times if t == t]  # NaN: the press drew no frame within 2 s
            out[name] = {**summary(drawn or [float("nan")]), "no_frame": len(times) - len(drawn)}
            if no_span:
                out[name]["no_span"] = no_span
    return out


def _span_count(app) -> int | None:
    """How many spans the reader shows (None: not the reader, the bare view)."""
    anns = getattr(app.screen, "anns", None)
    return None if anns is None else len(anns.spans)


async def _tagged(app, spans: int) -> bool:
    """Whether the reader shows one span more than ``spans`` (untimed; waits up to 1 s on a busy machine)."""
    deadline = time.perf_counter() + 1.0
    while _span_count(app) != spans + 1:
        if time.perf_counter() > deadline:
            return False
        await asyncio.sleep(0.005)
    return True


async def _onto_a_word(app, rec) -> None:
    """Untimed, before the tag presses: clear the selection and move the cursor onto a word.

    The keys before leave a selection (``extend``) or a cursor on a space or
    a symbol; a tag there tags the selection once, then (after its undo)
    nothing at all. Escape and word motions (``w``, as a user would) until
    the reader has a word under the cursor (the cursor on a word already, as
    on opening, stays); the bare view is left where it is.
    """
    for _ in range(50):
        view = getattr(app.screen, "view", None)
        if view is None or (view.selection is None and view.target_range() is not None):
            return
        await _press_and_wait(app, rec, "escape" if view.selection is not None else "w")


def _app(db: Path, name: str, impl: str):
    """The reader on ``db`` opened at ``name``, or the bare view on the same text."""
    if impl == "bare":
        from bench.baseline import BareApp

        # the same text, read the way the bare view would get it
        text = sqlite3.connect(db).execute("SELECT text FROM documents WHERE name = ?", (name,)).fetchone()[0]
        return BareApp(text)
    from tui.app.app import make_app

    return make_app(db, annotator="bench", document=name)


def keyframe(size: int, variant: str, spans: int, impl: str, presses: int = 40,
             keys: list[str] | None = None) -> dict:
    """Key -> last frame latency (ms) per key, for the reader or the bare baseline."""
    keys = list(KEYS) if keys is None else keys
    db = CACHE / f"kf-{variant}-{size}-{spans}.db"
    name = ensure_db(db, size, variant, spans)
    app = _app(db, name, impl)
    res = asyncio.run(_keyframe(app, keys, presses, undo_tags=impl != "bare"))
    return {"keys": res, "rss_mb": rss_mb()}


# ---------------------------------------------------------------------------
# the burst: keys arriving on a clock, whether or not the app has caught up


async def _burst(app, seq: list[str], interval: float) -> list[float]:
    """Feed ``seq`` at one key per ``interval`` seconds from a thread, as a terminal would.

    Returns, per key, the time (s) from when it arrived to the last frame
    drawn before the next key arrived; when the app was still busy and drew
    nothing in that time, to the first frame after it arrived (NaN: none).
    Timing from the arrival, not from when the app got round to reading the
    key, counts the time the key waited behind earlier work.
    """
    import threading

    from textual import events

    from tui.app.frames import FrameRecorder

    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause(0.3)
        rec = FrameRecorder(keep_text=False).attach(app)
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < 60:  # let the opening's background work finish
            await asyncio.sleep(0.05)
            if not rec.times or time.perf_counter() - rec.times[-1] > 0.5:
                break
        rec.clear()
        loop = asyncio.get_running_loop()
        start = time.perf_counter() + 0.1
        arrivals = [start + i * interval for i in range(len(seq))]

        def feed() -> None:
            for when, key in zip(arrivals, seq, strict=True):
                delay = when - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                event = events.Key(key, key if len(key) == 1 else None)
                event.set_sender(app)
                loop.call_soon_threadsafe(app._driver.send_message, event)

        thread = threading.Thread(target=feed, daemon=True)
        thread.start()
        while thread.is_alive():
            await asyncio.sleep(0.01)
        await asyncio.sleep(max(1.0, interval * 2))  # the last key's frames
        frames = list(rec.times)
    out = []
    for i, when in enumerate(arrivals):
        until = arrivals[i + 1] if i + 1 < len(arrivals) else when + interval
        inside = [f for f in frames if when <= f < until]
        after = [f for f in frames if f >= when]
        out.append((inside[-1] if inside else after[0] if after else float("nan")) - when)
    return out


def burst(size: int, variant: str, spans: int, impl: str, n_keys: int = 160, rate: float = 4.0) -> dict:
    """Tag, move, tag, move... at ``rate`` keys a second: latency (ms) of each key.

    Runs on a copy of the input database (the tags are kept, not undone).
    """
    src = CACHE / f"kf-{variant}-{size}-{spans}.db"
    name = ensure_db(src, size, variant, spans)
    db = Path(tempfile.mkdtemp()) / "burst.db"
    with sqlite3.connect(src) as a, sqlite3.connect(db) as b:
        a.backup(b)
    seq = [KEYS["tag"] if i % 2 == 0 else KEYS["word"] for i in range(n_keys)]
    app = _app(db, name, impl)
    secs = asyncio.run(_burst(app, seq, 1.0 / rate))
    ms = [s * 1000 for s in secs]
    res = {}
    for group, vals in (("all", ms), ("tag", ms[0::2]), ("move", ms[1::2])):
        drawn = [v for v in vals if v == v]
        res[group] = {**summary(drawn or [float("nan")]), "no_frame": len(vals) - len(drawn)}
    return {"keys": res, "rss_mb": rss_mb()}


# ---------------------------------------------------------------------------
# open and cold start


def open_doc(size: int, variant: str, spans: int, impl: str) -> dict:
    """From creating the app to the first frame showing the article (ms)."""
    from tui.app.frames import FrameRecorder

    async def run(app, marker: str) -> float:
        rec = FrameRecorder(keep_text=True)
        t0 = time.perf_counter()
        rec.attach(app)
        async with app.run_test(size=(160, 50)):
            while True:
                if marker in rec.output:
                    i = next(i for i, f in enumerate(rec.frames) if marker in f)
                    return (rec.times[i] - t0) * 1000
                if time.perf_counter() - t0 > 30:
                    return float("nan")
                await asyncio.sleep(0.002)

    if impl == "empty":
        from bench.baseline import EmptyApp

        t = asyncio.run(run(EmptyApp(), "READY"))
    else:
        db = CACHE / f"kf-{variant}-{size}-{spans}.db"
        name = ensure_db(db, size, variant, spans)
        first_words = sqlite3.connect(db).execute("SELECT substr(text, 1, 12) FROM documents WHERE name = ?", (name,)).fetchone()[0]
        t0 = time.perf_counter()
        from tui.app.app import make_app

        app = make_app(db, annotator="bench", document=name)
        t = asyncio.run(run(app, first_words.split()[0])) + (time.perf_counter() - t0) * 0
    return {"ms": t, "rss_mb": rss_mb()}


def cold_start(impl: str, runs: int = 5) -> dict:
    """Process start to the first painted article, in a pseudo-terminal (ms)."""
    import pty
    import select
    import subprocess

    db = CACHE / "cold.db"
    name = ensure_db(db, 100_000, "ascii", 2_000)
    marker = sqlite3.connect(db).execute("SELECT substr(text, 1, 12) FROM documents WHERE name = ?", (name,)).fetchone()[0].split()[0]
    if impl == "empty":
        cmd = [sys.executable, "-m", "bench.baseline"]
        marker = "READY"
    else:
        cmd = [sys.executable, "-m", "tui", "--db", str(db), "--annotator", "bench"]
    times = []
    peak = 0.0
    for _ in range(runs):
        master, slave = pty.openpty()
        os.set_blocking(master, False)
        env = dict(os.environ, TERM="xterm-256color", COLUMNS="160", LINES="50")
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, env=env,
                                cwd=Path(__file__).parent.parent, close_fds=True)
        os.close(slave)
        buf = b""
        found = None
        while time.perf_counter() - t0 < 30:
            r, _, _ = select.select([master], [], [], 0.05)
            if r:
                try:
                    buf += os.read(master, 65536)
                except OSError:
                    break
                if marker.encode() in buf:
                    found = time.perf_counter() - t0
                    break
        proc.kill()
        proc.wait()
        ru = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        peak = max(peak, ru)
        os.close(master)
        if found is not None:
            times.append(found * 1000)
    return {**summary(times or [float("nan")]), "rss_mb": peak}


# ---------------------------------------------------------------------------
# tag write


def tag_write(impl: str, n: int = 200) -> dict:
    """A tag until durable (ms): the store path the reader uses vs a raw sqlite3 insert."""
    from bench.inputs import build_db

    tmp = Path(tempfile.mkdtemp())
    times = []
    if impl == "raw":
        conn = sqlite3.connect(tmp / "raw.db", isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("CREATE TABLE spans (id TEXT PRIMARY KEY, doc_id TEXT, label TEXT, start INT, end INT, text TEXT)")
        for i in range(n):
            t0 = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO spans VALUES (?,?,?,?,?,?)", (f"id{i}", "d", "PER", i, i + 3, "abc"))
            conn.execute("COMMIT")
            times.append((time.perf_counter() - t0) * 1000)
    else:
        from tui.core.model import Span
        from tui.core.store import Store

        db = tmp / "tui.db"
        name = build_db(db, 1_000_000, "ascii", 10_000)
        store = Store(db, annotator="bench", autocheckpoint=False)  # as the app opens it
        doc = store.document(name)
        for i in range(n):
            t0 = time.perf_counter()
            store.add(Span(doc_id=doc.id, label="PER", fragments=[(i * 7, i * 7 + 5)]),
                      description="tag PER")
            times.append((time.perf_counter() - t0) * 1000)
        store.close()
    return {**summary(times), "rss_mb": rss_mb()}


# ---------------------------------------------------------------------------
# import / export throughput


def _corpus_rows(items):
    """The same corpus as plain rows: documents and every annotation kind, as the store keeps them."""
    from tui.core.model import KINDS
    from tui.core.store import doc_to_row, new_id, to_row

    docs, anns = [], {k: [] for k in KINDS}
    for doc, da in items:
        doc.id = doc.id or new_id()
        doc.sha256 = "x"
        doc.created = doc.modified = "t"
        docs.append(doc_to_row(doc))
        for kind in KINDS:
            for a in getattr(da, kind):
                a.doc_id = doc.id
                if kind == "spans":
                    a.text = doc.text[a.fragments[0][0]:a.fragments[-1][1]]
                a.annotator = "bench"
                a.created = a.modified = "t"
                anns[kind].append(to_row(kind, a))
    return docs, anns


def _insert_sql(table: str, cols: list[str]) -> str:
    return (f"INSERT INTO {table} ({','.join(chr(34) + c + chr(34) for c in cols)}) "
            f"VALUES ({','.join('?' * len(cols))})")


def io_throughput(direction: str, fmt: str, impl: str, n_docs: int = 10_000) -> dict:
    """Documents/s and annotations/s for import or export of the 10,000-article corpus."""
    from bench.inputs import corpus

    tmp = Path(tempfile.mkdtemp())
    items = corpus(n_docs)
    n_anns = sum(len(a.all()) for _, a in items)
    if impl == "raw":
        # The bare minimum: for import, parse the same JSONL lines and executemany
        # the rows in one transaction; for export, read the rows and dump them as JSONL.
        from tui.core.store import migrations

        docs, anns = _corpus_rows(items)
        conn = sqlite3.connect(tmp / "raw.db", isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        for step in migrations.MIGRATIONS:
            step(conn)
        by_doc: dict = {}
        for kind, rows in anns.items():
            for r in rows:
                by_doc.setdefault(r["doc_id"], {}).setdefault(kind, []).append(r)
        if direction == "import":
            src = tmp / "raw.jsonl"
            with open(src, "w", encoding="utf-8") as fh:
                for d in docs:
                    fh.write(json.dumps({"document": d, **by_doc.get(d["id"], {})}, ensure_ascii=False) + "\n")
            t0 = time.perf_counter()
            tables: dict = {"documents": []}
            with open(src, encoding="utf-8") as fh:
                for line in fh:
                    obj = json.loads(line)
                    tables["documents"].append(obj.pop("document"))
                    for kind, rows in obj.items():
                        tables.setdefault(kind, []).extend(rows)
            conn.execute("BEGIN IMMEDIATE")
            for table, rows in tables.items():
                cols = list(rows[0])
                conn.executemany(_insert_sql(table, cols), [[r[c] for c in cols] for r in rows])
            conn.execute("COMMIT")
            secs = time.perf_counter() - t0
        else:
            conn.execute("BEGIN")
            conn.executemany(_insert_sql("documents", list(docs[0])), [list(d.values()) for d in docs])
            for kind, rows in anns.items():
                if rows:
                    conn.executemany(_insert_sql(kind, list(rows[0])), [list(r.values()) for r in rows])
            conn.execute("COMMIT")
            t0 = time.perf_counter()
            grouped: dict = {}
            for kind in anns:
                cur = conn.execute(f"SELECT * FROM {kind} ORDER BY doc_id")
                names = [c[0] for c in cur.description]
                for r in cur:
                    row = dict(zip(names, r, strict=True))
                    grouped.setdefault(row["doc_id"], {}).setdefault(kind, []).append(row)
            with open(tmp / "raw-out.jsonl", "w", encoding="utf-8") as out:
                cur = conn.execute("SELECT * FROM documents ORDER BY name")
                names = [c[0] for c in cur.description]
                for r in cur:
                    d = dict(zip(names, r, strict=True))
                    out.write(json.dumps({**d, **grouped.get(d["id"], {})}, ensure_ascii=False) + "\n")
            secs = time.perf_counter() - t0
    else:
        from tui.core.formats import ExportOptions, module
        from tui.core.store import Store
        from tui.core.workflows.exporting import ExportRequest, export_documents
        from tui.core.workflows.importing import ImportRequest, import_files

        store = Store(tmp / "tui.db", annotator="bench")
        mod = module(fmt)
        src = tmp / ("src.jsonl" if fmt == "jsonl" else "src")
        if direction == "import":
            # write the corpus in the format first (not timed), then time the import
            staging = Store(tmp / "stage.db", annotator="bench")
            staging.import_documents(items)
            target = src if fmt == "jsonl" else src
            if fmt == "jsonl":
                with open(target, "w", encoding="utf-8") as fh:
                    mod.export(staging, staging.iter_documents(), fh, ExportOptions())
            else:
                mod.export(staging, staging.iter_documents(), target, ExportOptions())
            staging.close()
            # The import as `tui import` runs it (the core's one import workflow): a
            # brat folder's documents name the schema its annotation.conf is stored as.
            t0 = time.perf_counter()
            import_files(store, ImportRequest(paths=(target,), fmt=fmt))
            secs = time.perf_counter() - t0
        else:
            store.import_documents(items)
            t0 = time.perf_counter()
            export_documents(store, ExportRequest(fmt=fmt), tmp / ("out.jsonl" if fmt == "jsonl" else "out"))
            secs = time.perf_counter() - t0
        store.close()
    return {"docs_per_s": n_docs / secs, "anns_per_s": n_anns / secs, "seconds": secs, "rss_mb": rss_mb()}


FUNCS = {
    "keyframe": keyframe,
    "burst": burst,
    "open": open_doc,
    "cold": cold_start,
    "tagwrite": tag_write,
    "io": io_throughput,
}

if __name__ == "__main__":
    name, args = sys.argv[1], json.loads(sys.argv[2])
    print(json.dumps(FUNCS[name](**args)))
